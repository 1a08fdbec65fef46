//! One password check (argon2id, 19 MiB, 2 passes): what every unlock attempt costs the unlock
//! function, and hashing at publish. The parameters aim at 10-50 ms of one core; Lambda gives a
//! function CPU in proportion to its memory (a whole vCPU at 1,769 MB), so at the unlock function's
//! 512 MB a check takes about 3.5 times what this measures.

use criterion::{Criterion, criterion_group, criterion_main};
use share_core::domain::{Password, ShareLock};
use std::hint::black_box;

fn password(c: &mut Criterion) {
    let password = Password::parse("correct horse battery staple".into()).expect("a valid password");
    let lock = ShareLock::new(&password);
    let mut group = c.benchmark_group("password");
    group.sample_size(20);
    group.bench_function("verify, right password", |b| {
        b.iter(|| assert!(lock.verify(black_box("correct horse battery staple"))))
    });
    group.bench_function("verify, wrong password", |b| {
        b.iter(|| assert!(!lock.verify(black_box("wrong horse battery staple"))))
    });
    group.bench_function("hash at publish", |b| b.iter(|| ShareLock::new(black_box(&password))));
    group.finish();
}

criterion_group!(benches, password);
criterion_main!(benches);
