//! A small timing harness: the contenders run in alternating rounds, and each reports the
//! median time per operation over the rounds, so that a noisy neighbour hits all of them alike.
//! Figures are meant to be read as ratios between contenders of the same run.
//!
//! Each bench compiles this module on its own and uses a part of it.
#![allow(dead_code)]

use std::hint::black_box;

use cos_ci_batch::sign::{Credentials, KeyTime, authorization};

/// The host the benches and the SDK comparison sign for.
pub const HOST: &str = "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com";

/// The Authorization of the create request every signing comparison signs: `POST
/// /inventorytriggerjob` with `content-length: 619`, `content-type: application/xml` and
/// `host`.
pub fn sign_create_request(credentials: &Credentials, key_time: KeyTime) -> String {
    let headers = [
        ("content-length", "619"),
        ("content-type", "application/xml"),
        ("host", HOST),
    ];
    authorization(
        credentials,
        "POST",
        "/inventorytriggerjob",
        &[],
        &headers,
        key_time,
    )
}
use std::time::Instant;

pub struct Contender<'a> {
    pub name: &'static str,
    pub run: Box<dyn FnMut() + 'a>,
}

pub fn contender<'a>(name: &'static str, run: impl FnMut() + 'a) -> Contender<'a> {
    Contender {
        name,
        run: Box::new(run),
    }
}

/// Runs `rounds` rounds of `iters` calls of each contender, returns the median ns/op of each.
pub fn compare(
    title: &str,
    rounds: usize,
    iters: usize,
    contenders: &mut [Contender<'_>],
) -> Vec<f64> {
    // With BENCH_ONLY=<index> only that contender runs: under callgrind, one run per
    // contender gives exact, noise-free instruction counts.
    if let Some(only) = std::env::var("BENCH_ONLY")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let c = &mut contenders[only];
        for _ in 0..rounds * iters {
            (c.run)();
        }
        println!("{title}: ran {} x {}", rounds * iters, c.name);
        return vec![f64::NAN; contenders.len()];
    }
    for c in contenders.iter_mut() {
        for _ in 0..iters.min(1000) {
            (c.run)();
        }
    }
    let mut samples = vec![Vec::with_capacity(rounds); contenders.len()];
    let n = contenders.len();
    for round in 0..rounds {
        // Alternate the order each round, so that neither contender always runs first.
        for k in 0..n {
            let i = if round % 2 == 0 { k } else { n - 1 - k };
            let c = &mut contenders[i];
            let start = Instant::now();
            for _ in 0..iters {
                (c.run)();
            }
            samples[i].push(start.elapsed().as_nanos() as f64 / iters as f64);
        }
    }
    let medians: Vec<f64> = samples
        .iter_mut()
        .map(|s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect();
    println!("\n{title}");
    for (c, m) in contenders.iter().zip(&medians) {
        println!(
            "  {:<44} {:>12} /op   {:>6.2}x of {}",
            c.name,
            format_ns(*m),
            m / medians[0],
            contenders[0].name
        );
    }
    medians
}

pub fn format_ns(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} us", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Keeps a value alive and opaque to the optimiser.
pub fn keep<T>(value: T) {
    black_box(value);
}

pub fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some()
}
