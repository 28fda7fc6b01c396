//! The whole revenue cycle on a month of synthetic claims (work in progress).

fn main() {}
