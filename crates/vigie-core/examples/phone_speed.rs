fn main() {
    let n = 200_000;
    for fmt in ["nat", "e164"] {
        let t = std::time::Instant::now();
        let mut ok = 0;
        for i in 0..n {
            let s = if fmt == "nat" {
                format!(
                    "06 {:02} {:02} {:02} {:02}",
                    i % 90 + 10,
                    (i / 90) % 100,
                    i % 97,
                    i % 89
                )
            } else {
                format!(
                    "+336{:02}{:02}{:02}{:02}",
                    i % 90 + 10,
                    (i / 90) % 100,
                    i % 97,
                    i % 89
                )
            };
            let num = phonenumber::parse(None, &s);
            if let Ok(num) = num
                && phonenumber::is_valid(&num)
            {
                ok += 1;
            }
        }
        println!(
            "{fmt}: {ok} ok, {:.2} us/parse",
            t.elapsed().as_secs_f64() * 1e6 / n as f64
        );
    }
}
