//! Renders the HTML dashboard in headless Chromium, when /usr/bin/chromium is installed
//! (otherwise prints a notice and passes): the page must load, keep its charts in the DOM,
//! and paint a screenshot with real content. tools/check_dashboard.sh does the same by hand
//! and leaves the PNG to look at.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use medbill_kpi::synth::{SynthConfig, generate};
use medbill_kpi::{KpiReport, ReportOptions, dashboard_html};

const CHROMIUM: &str = "/usr/bin/chromium";

fn run(args: &[String], limit: Duration) -> Option<String> {
    let mut child = Command::new(CHROMIUM)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() < limit => std::thread::sleep(Duration::from_millis(100)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let out = child.wait_with_output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn flags(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--hide-scrollbars",
        "--window-size=1280,2000",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

#[test]
fn dashboard_renders_in_headless_chromium() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("notice: {CHROMIUM} not found; skipping the headless rendering check");
        return;
    }
    let dir: PathBuf =
        std::env::temp_dir().join(format!("medbill-kpi-dashboard-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let events = generate(&SynthConfig {
        claims: 5_000,
        ..SynthConfig::default()
    });
    let report = KpiReport::compute(
        &events,
        "2026-03-31".parse().unwrap(),
        &ReportOptions::default(),
    );
    let html_path = dir.join("dashboard.html");
    std::fs::write(&html_path, dashboard_html(&report)).unwrap();
    let url = format!("file://{}", html_path.display());
    let limit = Duration::from_secs(90);

    let mut args = flags(&dir.join("profile-dom"));
    args.extend(["--dump-dom".to_string(), url.clone()]);
    let Some(dom) = run(&args, limit) else {
        eprintln!("notice: chromium did not finish; skipping");
        return;
    };
    assert!(
        dom.contains("Revenue-cycle dashboard"),
        "page did not load: {}",
        &dom[..dom.len().min(300)]
    );
    assert!(
        dom.matches("<svg").count() >= 7,
        "charts missing from the DOM"
    );

    let png = dir.join("dashboard.png");
    let mut args = flags(&dir.join("profile-shot"));
    args.extend([format!("--screenshot={}", png.display()), url]);
    if run(&args, limit).is_none() {
        eprintln!("notice: chromium did not finish the screenshot; skipping");
        return;
    }
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 2000));
    // A blank or unstyled page compresses to a few kilobytes; the dashboard's colour and
    // charts do not.
    assert!(
        bytes.len() > 60_000,
        "screenshot looks empty ({} bytes)",
        bytes.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
