fn main() {
    let n = 200_000;
    let t = std::time::Instant::now();
    let mut ok = 0;
    for i in 0..n {
        let s = format!("06 {:02} {:02} {:02} {:02}", i % 90 + 10, (i / 90) % 100, i % 97, i % 89);
        if vigie_core::PhoneE164::parse(&s, vigie_core::Region::FR).is_ok() { ok += 1; }
    }
    println!("{ok} ok, {:.2} us/parse", t.elapsed().as_secs_f64() * 1e6 / n as f64);
}
