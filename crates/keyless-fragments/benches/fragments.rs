//! Criterion benchmarks: the protocol steps and, in the same run, the primitives they are made
//! of, so that overheads can be stated as ratios (see `docs/benchmarks.md`).

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use criterion::{Criterion, criterion_group, criterion_main};
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::MultiscalarMul;
use keyless_fragments::primitives::{DleqCase, hash_to_group};
use keyless_fragments::{
    CustomerFragment, DerivedPartial, Envelope, ItemContext, KeyId, KeyVersion, PendingDerivation,
    Roster, SaasShare, Threshold, deal_saas_shares,
};

struct Setup {
    shares: Vec<SaasShare>,
    customer: CustomerFragment,
    roster: Roster,
    context: ItemContext,
}

fn setup() -> Setup {
    let key_id = KeyId::generate().unwrap();
    let version = KeyVersion::new(1);
    let dealing = deal_saas_shares(key_id, version, Threshold::new(2, 3).unwrap()).unwrap();
    let customer = CustomerFragment::generate(key_id, version).unwrap();
    let roster = Roster::new(&dealing.commitments, customer.public_share()).unwrap();
    let context = ItemContext::new(key_id, version, "/mdapi/billing/db/PASSWORD", 1).unwrap();
    Setup {
        shares: dealing.shares,
        customer,
        roster,
        context,
    }
}

fn partials(setup: &Setup, pending: &PendingDerivation) -> Vec<DerivedPartial> {
    vec![
        setup.shares[0].evaluate(pending.request()).unwrap(),
        setup.shares[1].evaluate(pending.request()).unwrap(),
        setup.customer.evaluate(pending.request()).unwrap(),
    ]
}

fn random_scalar(seed: u8) -> Scalar {
    Scalar::from_bytes_mod_order_wide(&[seed; 64])
}

fn protocol(criterion: &mut Criterion) {
    let setup = setup();
    let pending = PendingDerivation::start(&setup.roster, &setup.context).unwrap();
    let partials = partials(&setup, &pending);
    let key = pending.finish(&partials).unwrap();
    let secret_1k = vec![0x5a; 1024];
    let secret_64k = vec![0x5a; 64 * 1024];
    let envelope_1k = Envelope::from_bytes(key.seal(&secret_1k).unwrap().as_bytes()).unwrap();
    let envelope_64k = Envelope::from_bytes(key.seal(&secret_64k).unwrap().as_bytes()).unwrap();

    let mut group = criterion.benchmark_group("protocol");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    group.bench_function("combiner_start", |bench| {
        bench.iter(|| PendingDerivation::start(black_box(&setup.roster), &setup.context).unwrap());
    });
    group.bench_function("holder_evaluate_and_prove", |bench| {
        bench.iter(|| {
            setup.shares[0]
                .evaluate(black_box(pending.request()))
                .unwrap()
        });
    });
    group.bench_function("verified_finish_2of3_plus_customer_open_1KiB", |bench| {
        bench.iter(|| {
            let key = pending.finish(black_box(&partials)).unwrap();
            key.open(black_box(&envelope_1k)).unwrap()
        });
    });
    group.bench_function("verified_finish_2of3_plus_customer", |bench| {
        bench.iter(|| pending.finish(black_box(&partials)).unwrap());
    });
    group.bench_function("optimistic_finish_2of3_plus_customer_open_1KiB", |bench| {
        bench.iter(|| {
            let key = pending
                .finish_optimistic(black_box(&partials), &envelope_1k.key_check())
                .unwrap();
            key.open(black_box(&envelope_1k)).unwrap()
        });
    });
    group.bench_function("open_known_key_1KiB", |bench| {
        bench.iter(|| key.open(black_box(&envelope_1k)).unwrap());
    });
    group.bench_function("open_known_key_64KiB", |bench| {
        bench.iter(|| key.open(black_box(&envelope_64k)).unwrap());
    });
    group.bench_function("parse_partial_124B", |bench| {
        let bytes = partials[0].to_bytes();
        bench.iter(|| DerivedPartial::from_bytes(black_box(&bytes)).unwrap());
    });
    group.finish();
}

fn primitives(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("primitive");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    let point = RistrettoPoint::mul_base(&random_scalar(1));
    let scalar = random_scalar(2);
    group.bench_function("variable_base_scalar_mul", |bench| {
        bench.iter(|| black_box(scalar) * black_box(point));
    });

    let scalars = [random_scalar(3), random_scalar(4), random_scalar(5)];
    let points = [
        point,
        RistrettoPoint::mul_base(&scalars[0]),
        RistrettoPoint::mul_base(&scalars[1]),
    ];
    group.bench_function("constant_time_multiscalar_mul_3", |bench| {
        bench.iter(|| RistrettoPoint::multiscalar_mul(black_box(&scalars), black_box(&points)));
    });

    let context = b"DFC-core/v1 a typical item context of about eighty bytes for the benchmark";
    group.bench_function("hash_to_group", |bench| {
        bench.iter(|| hash_to_group(black_box(context)));
    });

    let case = DleqCase::new(&random_scalar(6)).unwrap();
    assert!(case.verify());
    group.bench_function("dleq_verify", |bench| {
        bench.iter(|| black_box(&case).verify());
    });

    let cipher = XChaCha20Poly1305::new(&[7u8; 32].into());
    let nonce = XNonce::from([9u8; 24]);
    let mut ciphertext = vec![0x5a; 1024];
    let tag = cipher
        .encrypt_inout_detached(&nonce, b"aad", ciphertext.as_mut_slice().into())
        .unwrap();
    group.bench_function("xchacha20poly1305_open_1KiB", |bench| {
        bench.iter(|| {
            let mut buffer = ciphertext.clone();
            cipher
                .decrypt_inout_detached(&nonce, b"aad", buffer.as_mut_slice().into(), &tag)
                .unwrap();
            buffer
        });
    });
    group.finish();
}

criterion_group!(benches, protocol, primitives);
criterion_main!(benches);
