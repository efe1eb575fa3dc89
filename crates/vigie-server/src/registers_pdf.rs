//! The registers as a printable PDF, laid out like the CNIL's register template: one page for
//! the organization and its DPO, then one sheet per processing activity with every field of
//! art. 30 under its heading. Written in-process with pdf-writer (no browser, no layout engine:
//! lines are wrapped here by the font's advance widths) and DejaVu Sans, shipped in
//! crates/vigie-server/fonts/ with its licence, embedded whole with a ToUnicode map so that the
//! text can be searched and extracted.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
use vigie_core::Lang;
use vigie_core::registers::{Registers, export::dpia_status};

use crate::html::{Label, W};

const FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 56.0;

/// Text placed on pages: (page, x, y, size, text).
struct Layout<'f> {
    face: ttf_parser::Face<'f>,
    pages: Vec<Vec<(f32, f32, f32, String)>>,
    y: f32,
}

impl<'f> Layout<'f> {
    fn width(&self, text: &str, size: f32) -> f32 {
        let upem = f32::from(self.face.units_per_em());
        text.chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .map_or(0.0, f32::from)
            })
            .sum::<f32>()
            * size
            / upem
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = PAGE.1 - MARGIN;
    }

    /// Writes `text` wrapped to the page's width, moving to a new page when full.
    fn para(&mut self, text: &str, size: f32, indent: f32) {
        let max = PAGE.0 - 2.0 * MARGIN - indent;
        let mut line = String::new();
        let mut lines = Vec::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size) > max && !line.is_empty() {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        for l in lines {
            if self.y < MARGIN + size {
                self.new_page();
            }
            self.y -= size * 1.35;
            let y = self.y;
            self.pages
                .last_mut()
                .expect("a page")
                .push((MARGIN + indent, y, size, l));
        }
    }

    fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    /// A field: its heading, then its values, one per line.
    fn field(&mut self, heading: &str, values: &[String]) {
        self.gap(4.0);
        self.para(heading, 10.5, 0.0);
        if values.is_empty() {
            self.para("—", 9.5, 12.0);
        }
        for v in values {
            self.para(v, 9.5, 12.0);
        }
    }
}

/// The registers as a PDF document.
pub fn render_pdf(r: &Registers, org: &str, version: i64, lang: Lang) -> Vec<u8> {
    let face = ttf_parser::Face::parse(FONT, 0).expect("the shipped font parses");
    let mut l = Layout {
        face,
        pages: Vec::new(),
        y: 0.0,
    };
    let t = |w: W| w.t(lang).to_owned();
    let p = &r.profile;
    // The organization and its DPO.
    l.new_page();
    l.para(&t(W::RegistersTitle), 18.0, 0.0);
    l.para(
        &format!("{org} · {} {version}", t(W::RegisterVersion)),
        9.0,
        0.0,
    );
    l.gap(10.0);
    l.para(&t(W::Profile), 14.0, 0.0);
    let party = |x: &Option<vigie_core::registers::Party>| {
        x.as_ref()
            .map_or_else(Vec::new, |x| vec![format!("{} — {}", x.name, x.contact)])
    };
    l.field(&t(W::LegalName), std::slice::from_ref(&p.legal_name));
    l.field(
        &t(W::RegistrationNumber),
        &p.registration_number.iter().cloned().collect::<Vec<_>>(),
    );
    l.field(&t(W::Address), std::slice::from_ref(&p.address));
    l.field(&t(W::Representative), &party(&p.representative));
    l.field(&t(W::Dpo), &party(&p.dpo));
    l.field(
        &t(W::OrgRoles),
        &p.roles
            .iter()
            .map(|x| x.label(lang).to_owned())
            .collect::<Vec<_>>(),
    );
    if !p.clients.is_empty() {
        l.field(&t(W::Clients), &p.clients);
    }
    l.gap(10.0);
    l.field(
        &t(W::Activities),
        &r.activities
            .iter()
            .map(|a| a.name.clone())
            .collect::<Vec<_>>(),
    );
    // One sheet per activity.
    for a in &r.activities {
        l.new_page();
        l.para(&a.name, 15.0, 0.0);
        let mut basis = a.legal_basis.label(lang).to_owned();
        if let Some(d) = &a.legal_basis_detail {
            basis.push_str(" — ");
            basis.push_str(d);
        }
        let data: Vec<String> = a
            .categories_of_data
            .iter()
            .map(|c| format!("{} ({})", c.name, c.kind.label(lang)))
            .collect();
        let processors: Vec<String> = a
            .processors
            .iter()
            .map(|id| {
                r.processor(id)
                    .map_or_else(|| id.clone(), |x| format!("{} ({})", x.name, x.country))
            })
            .collect();
        let transfers: Vec<String> = a
            .transfers
            .iter()
            .map(|x| {
                let ground = match (x.safeguard, x.dpf_certified) {
                    (Some(s), _) => s.label(lang).to_owned(),
                    (None, true) => "Data Privacy Framework".to_owned(),
                    (None, false) => t(W::NoneWord),
                };
                format!("{} ({}) — {ground}", x.recipient, x.country)
            })
            .collect();
        if let Some(c) = &a.on_behalf_of {
            l.field(&t(W::OnBehalfOf), std::slice::from_ref(c));
        }
        l.field(&t(W::Purposes), &a.purposes);
        l.field(&t(W::LegalBasis), &[basis]);
        l.field(
            &t(W::SpecialCondition),
            &a.special_condition
                .iter()
                .map(|c| c.label(lang).to_owned())
                .collect::<Vec<_>>(),
        );
        l.field(&t(W::CategoriesOfPersons), &a.categories_of_persons);
        l.field(&t(W::DataConcerned), &data);
        l.field(&t(W::Recipients), &a.recipients);
        l.field(&t(W::Processors), &processors);
        l.field(&t(W::Transfers), &transfers);
        l.field(&t(W::RetentionPeriods), &a.retention);
        l.field(&t(W::SecurityMeasures), &a.security_measures);
        l.field(&t(W::Dpia), &[dpia_status(r, a)]);
        l.field(
            &t(W::VigieDataCovered),
            &a.vigie_data
                .iter()
                .map(|v| v.label(lang).to_owned())
                .collect::<Vec<_>>(),
        );
    }
    write(&l)
}

fn write(l: &Layout<'_>) -> Vec<u8> {
    let face = &l.face;
    // Glyphs used, and the characters they stand for.
    let mut used: BTreeMap<u16, char> = BTreeMap::new();
    for page in &l.pages {
        for (_, _, _, text) in page {
            for c in text.chars() {
                if let Some(g) = face.glyph_index(c) {
                    used.entry(g.0).or_insert(c);
                }
            }
        }
    }
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let type0 = Ref::new(3);
    let cid = Ref::new(4);
    let descriptor = Ref::new(5);
    let file = Ref::new(6);
    let cmap_ref = Ref::new(7);
    let first_page = 8;
    pdf.catalog(catalog).pages(tree);
    let page_refs: Vec<Ref> = (0..l.pages.len())
        .map(|i| Ref::new(first_page + 2 * i as i32))
        .collect();
    pdf.pages(tree)
        .kids(page_refs.iter().copied())
        .count(page_refs.len() as i32);
    let font_name = Name(b"DejaVuSans");
    pdf.type0_font(type0)
        .base_font(font_name)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap_ref);
    let upem = f32::from(face.units_per_em());
    let scale = |v: i16| f32::from(v) * 1000.0 / upem;
    {
        let mut font = pdf.cid_font(cid);
        font.subtype(CidFontType::Type2);
        font.base_font(font_name);
        font.system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        });
        font.font_descriptor(descriptor);
        font.default_width(0.0);
        font.cid_to_gid_map_predefined(Name(b"Identity"));
        {
            let mut widths = font.widths();
            for g in used.keys() {
                let advance = face.glyph_hor_advance(ttf_parser::GlyphId(*g)).unwrap_or(0);
                widths.consecutive(*g, [f32::from(advance) * 1000.0 / upem]);
            }
        }
        font.finish();
    }
    let bbox = face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(font_name)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(face.ascender()))
        .descent(scale(face.descender()))
        .cap_height(scale(face.capital_height().unwrap_or(face.ascender())))
        .stem_v(80.0)
        .font_file2(file);
    pdf.stream(file, FONT)
        .pair(Name(b"Length1"), FONT.len() as i32);
    let mut cmap = UnicodeCmap::new(
        Name(b"Vigie-UCS"),
        SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        },
    );
    for (g, c) in &used {
        cmap.pair(*g, *c);
    }
    pdf.cmap(cmap_ref, &cmap.finish());
    for (i, page) in l.pages.iter().enumerate() {
        let page_ref = page_refs[i];
        let content_ref = Ref::new(page_ref.get() + 1);
        let mut p = pdf.page(page_ref);
        p.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
        p.parent(tree);
        p.contents(content_ref);
        p.resources().fonts().pair(Name(b"F1"), type0);
        p.finish();
        let mut content = Content::new();
        for (x, y, size, text) in page {
            let glyphs: Vec<u8> = text
                .chars()
                .filter_map(|c| face.glyph_index(c))
                .flat_map(|g| g.0.to_be_bytes())
                .collect();
            content.begin_text();
            content.set_font(Name(b"F1"), *size);
            content.next_line(*x, *y);
            content.show(Str(&glyphs));
            content.end_text();
        }
        pdf.stream(content_ref, &content.finish());
    }
    pdf.finish()
}
