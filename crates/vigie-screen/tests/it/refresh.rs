//! Rewrites the committed fixtures (tests/fixtures/) from the bench kit: gen_dataset.py's base,
//! the campaigns derived from its phone campaign, reference_screen.py's outputs (`--contract 2`)
//! for every campaign and for the targets variants. Ignored: it needs python3 and the kit; run it
//! through `scripts/refresh-fixtures`, which says what changed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fixture::{
    BASE_FILES, CAMPAIGNS, CONTACTS, CONTRACT, fixtures, publish, reference_file,
};
use crate::reference::{VARIANTS, variant_dir};

/// The bench kit's folder, named by `scripts/refresh-fixtures` (the one place that knows where
/// the kit lives) in `VIGIE_FIXTURE_KIT`.
fn kit() -> PathBuf {
    let kit = PathBuf::from(std::env::var_os("VIGIE_FIXTURE_KIT").expect(
        "VIGIE_FIXTURE_KIT is not set: run scripts/refresh-fixtures, which names the bench kit",
    ));
    assert!(
        kit.join("gen_dataset.py").is_file() && kit.join("reference_screen.py").is_file(),
        "the bench kit is missing: no gen_dataset.py / reference_screen.py in {}",
        kit.display()
    );
    kit
}

fn python(args: &[&std::ffi::OsStr]) {
    let status = Command::new("python3")
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("cannot run python3: {e}"));
    assert!(status.success(), "python3 {args:?} failed: {status}");
}

fn reference_into(kit: &Path, data: &Path, campaign: &Path, out: &Path) {
    python(&[
        kit.join("reference_screen.py").as_os_str(),
        data.as_os_str(),
        campaign.as_os_str(),
        out.as_os_str(),
        "--contract".as_ref(),
        CONTRACT.as_ref(),
    ])
}

/// gzip at the best level, no file name or time in the header: the same input gives the same
/// bytes, so a refresh that changes nothing leaves git clean.
fn write_gz(path: &Path, bytes: &[u8]) {
    let file = std::fs::File::create(path).unwrap();
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(file, flate2::Compression::best());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap().sync_all().unwrap();
}

/// Generates the base and the derived campaigns into `dir`.
fn generate(kit: &Path, dir: &Path) {
    python(&[
        kit.join("gen_dataset.py").as_os_str(),
        dir.as_os_str(),
        "--contacts".as_ref(),
        CONTACTS.to_string().as_ref(),
    ]);
    let phone = std::fs::read_to_string(dir.join("campaign_phone.json")).unwrap();
    let generated_at = "2026-11-24T10:30:00+01:00";
    assert!(
        phone.contains(generated_at),
        "the generator's phone campaign changed"
    );
    for (name, at, press) in [
        ("phone_before_switch", "2026-03-10T15:00:00+01:00", false),
        ("phone_holiday", "2026-05-14T11:00:00+02:00", false),
        (
            "phone_press_before_switch",
            "2026-03-10T15:00:00+01:00",
            true,
        ),
        ("phone_press", generated_at, true),
    ] {
        let mut file: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&phone.replace(generated_at, at)).unwrap();
        if press {
            file.insert("press".into(), true.into());
        }
        std::fs::write(
            dir.join(format!("campaign_{name}.json")),
            serde_json::to_string_pretty(&file).unwrap(),
        )
        .unwrap();
    }
}

#[test]
#[ignore = "needs python3 and the bench kit; run scripts/refresh-fixtures"]
fn refresh_fixtures_from_the_bench_kit() {
    let kit = kit();
    let work = tempfile::tempdir().unwrap();
    let base = work.path().join("base");
    publish(&base, |tmp| generate(&kit, tmp));
    let out = fixtures();
    std::fs::create_dir_all(&out).unwrap();
    for f in BASE_FILES {
        write_gz(
            &out.join(format!("{f}.gz")),
            &std::fs::read(base.join(f)).unwrap(),
        );
    }
    for name in CAMPAIGNS {
        let file = format!("campaign_{name}.json");
        std::fs::copy(base.join(&file), out.join(&file)).unwrap();
        let reference = work.path().join(format!("reference_{name}.csv"));
        reference_into(&kit, &base, &base.join(&file), &reference);
        write_gz(
            &out.join(reference_file(None, name)),
            &std::fs::read(&reference).unwrap(),
        );
    }
    for variant in VARIANTS {
        let dir = variant_dir(&base, variant);
        for c in ["email", "sms"] {
            let reference = dir.join(format!("reference_{c}.csv"));
            reference_into(
                &kit,
                &dir,
                &base.join(format!("campaign_{c}.json")),
                &reference,
            );
            write_gz(
                &out.join(reference_file(Some(variant), c)),
                &std::fs::read(&reference).unwrap(),
            );
        }
    }
    // Which kit the fixtures come from: scripts/test compares it with the kit beside the
    // repository and says when they differ.
    let mut source = String::new();
    for script in ["gen_dataset.py", "reference_screen.py"] {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(std::fs::read(kit.join(script)).unwrap());
        source.push_str(&format!("{}  bench/{script}\n", hex::encode(digest)));
    }
    std::fs::write(out.join("KIT.sha256"), source).unwrap();
}
