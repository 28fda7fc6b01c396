//! Provider loops of a claim (2310x) and of a line (2420x).

use medbill_claim::{Address, ClaimDetail, Provider, RawSegment, ServiceFacility};

use super::levels::{
    address_blanks, address_unmodelled, n3, n4, provider_nm1_blanks, provider_nm1_unmodelled,
};
use super::{ClaimForm, R837, raw};
use crate::typed::walk::{Fields, template, trim};

impl R837<'_> {
    pub(super) fn claim_provider(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        let institutional = self.form == ClaimForm::Institutional;
        if id == "NM1" {
            let role = match trim(f.el(1)) {
                "82" => Some("rendering"),
                "DN" => Some("referring"),
                "77" => Some("facility"),
                "71" if institutional => Some("attending"),
                "72" if institutional => Some("operating"),
                _ => None,
            };
            let taken = self.claim().is_some_and(|c| match role {
                Some("rendering") => c.rendering_provider.is_some(),
                Some("referring") => c.referring_provider.is_some(),
                Some("facility") => c.service_facility.is_some(),
                Some("attending") => c
                    .institutional_detail()
                    .is_some_and(|d| d.attending_provider.is_some()),
                Some("operating") => c
                    .institutional_detail()
                    .is_some_and(|d| d.operating_provider.is_some()),
                _ => true,
            });
            let role = if taken { None } else { role };
            self.state.provider_role = role;
            let Some(role) = role else {
                self.push_claim_extra(raw(l, f));
                return;
            };
            let p = self.provider(
                f,
                None,
                &format!("{role}_provider.npi").replace("facility_provider", "service_facility"),
            );
            let nm1_template = provider_nm1_unmodelled(f)
                .then(|| template(format!("{l}/NM1"), f, provider_nm1_blanks(f)));
            let Some(c) = self.claim() else { return };
            if let Some(t) = nm1_template {
                c.extra.push(t);
            }
            match role {
                "rendering" => c.rendering_provider = Some(Box::new(p)),
                "referring" => c.referring_provider = Some(Box::new(p)),
                "facility" => {
                    c.service_facility = Some(Box::new(ServiceFacility {
                        provider: p,
                        address: Address::default(),
                    }))
                }
                _ => {
                    if let ClaimDetail::Institutional(d) = &mut c.detail {
                        match role {
                            "attending" => d.attending_provider = Some(p),
                            _ => d.operating_provider = Some(p),
                        }
                    }
                }
            }
            return;
        }
        let role = self.state.provider_role;
        let q = trim(f.el(1));
        let Some(c) = self.claim() else { return };
        let provider: Option<&mut Provider> = match role {
            Some("rendering") => c.rendering_provider.as_deref_mut(),
            Some("referring") => c.referring_provider.as_deref_mut(),
            Some("facility") => c.service_facility.as_mut().map(|s| &mut s.provider),
            Some("attending" | "operating") => match &mut c.detail {
                ClaimDetail::Institutional(d) => {
                    if role == Some("attending") {
                        d.attending_provider.as_mut()
                    } else {
                        d.operating_provider.as_mut()
                    }
                }
                _ => None,
            },
            _ => None,
        };
        // The PRV the writer writes: PE for a rendering provider, AT for an attending one.
        let prv = match role {
            Some("rendering") if !institutional => "PE",
            Some("attending") => "AT",
            _ => "",
        };
        match (provider, id) {
            (Some(p), "PRV")
                if p.taxonomy.is_none()
                    && !prv.is_empty()
                    && q == prv
                    && trim(f.el(2)) == "PXC"
                    && f.len() == 3 =>
            {
                p.taxonomy = super::opt(f.el(3))
            }
            (Some(p), "REF") if f.len() == 2 && c.extra.iter().all(|r| r.loop_id != l) => p
                .secondary_ids
                .push((q.to_owned(), trim(f.el(2)).to_owned())),
            (Some(_), "N3" | "N4") if role == Some("facility") => {
                if address_unmodelled(f) {
                    c.extra
                        .push(template(format!("{l}/{id}"), f, address_blanks(f)));
                }
                if let Some(s) = &mut c.service_facility {
                    if id == "N3" {
                        s.address.lines = n3(f);
                    } else {
                        n4(f, &mut s.address);
                    }
                }
            }
            _ => c.extra.push(raw(l, f)),
        }
    }

    /// A line's provider loop (2420x): the rendering provider of a professional line is
    /// modelled, every other one kept as read.
    pub(super) fn line_provider(&mut self, l2: &'static str, f: &Fields<'_>) {
        let id = f.id();
        if id == "NM1" {
            let rendering = trim(f.el(1)) == "82"
                && self.form == ClaimForm::Professional
                && self
                    .cur_line_p()
                    .is_some_and(|line| line.rendering_provider.is_none());
            let p = rendering.then(|| self.provider_at_line(f));
            let t = (rendering && provider_nm1_unmodelled(f))
                .then(|| template(format!("{l2}/NM1"), f, provider_nm1_blanks(f)));
            self.state.line_provider_role = rendering.then_some("rendering");
            if let Some(line) = self.cur_line_p() {
                match p {
                    Some(p) => {
                        line.rendering_provider = Some(Box::new(p));
                        if let Some(t) = t {
                            line.extra.push(t);
                        }
                    }
                    None => line.extra.push(raw(l2, f)),
                }
                return;
            }
            self.push_line_extra(raw(l2, f));
            return;
        }
        let role = self.state.line_provider_role;
        let q = trim(f.el(1));
        if let Some(line) = self.cur_line_p() {
            let plain = line.extra.iter().all(|r| r.loop_id != l2);
            match (&mut line.rendering_provider, role) {
                (Some(p), Some(_))
                    if id == "PRV"
                        && p.taxonomy.is_none()
                        && q == "PE"
                        && trim(f.el(2)) == "PXC"
                        && f.len() == 3 =>
                {
                    p.taxonomy = super::opt(f.el(3))
                }
                (Some(p), Some(_)) if id == "REF" && f.len() == 2 && plain => p
                    .secondary_ids
                    .push((q.to_owned(), trim(f.el(2)).to_owned())),
                _ => line.extra.push(raw(l2, f)),
            }
            return;
        }
        self.push_line_extra(raw(l2, f));
    }

    fn provider_at_line(&mut self, f: &Fields<'_>) -> Provider {
        let n = self.line_count().saturating_sub(1);
        self.provider(f, None, &format!("lines[{n}].rendering_provider.npi"))
    }

    pub(super) fn push_line_extra(&mut self, r: RawSegment) {
        if let Some(c) = self.claim() {
            match &mut c.detail {
                ClaimDetail::Professional(p) => match p.lines.last_mut() {
                    Some(line) => line.extra.push(r),
                    None => c.extra.push(r),
                },
                ClaimDetail::Institutional(d) => match d.lines.last_mut() {
                    Some(line) => line.extra.push(r),
                    None => c.extra.push(r),
                },
                _ => c.extra.push(r),
            }
        }
    }
}
