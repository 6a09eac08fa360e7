//! The quorum: forged partials, holders down or slow, the customer holder down; the HTTP
//! holder against a tiny local derived-key service.

use async_trait::async_trait;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use keyless_fragments::{
    BlindedRequest, CustomerFragment, DerivedPartial, Envelope, HolderId, ItemContext, KeyId,
    KeyVersion, PendingDerivation, Roster, SaasShare, Threshold, deal_saas_shares,
};
use keyless_gateway::holder::{
    FragmentHolder, FragmentQuorum, HolderError, HolderProblem, HttpFragmentHolder, InProcessHolder,
};
use keyless_gateway::wire::derived_key::{DerivedKeyAnswer, DerivedKeyRequest};
use keyless_gateway::{Error, FragmentFailureCause};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATH: &str = "/mdapi/billing/db-password";

/// A 2-of-3 key: SaaS shares (moved into holders as tests need them), the customer fragment,
/// the roster, a context, and a value sealed under the directly derived item key.
struct Key {
    shares: Vec<Option<SaasShare>>,
    customer: Arc<CustomerFragment>,
    roster: Roster,
    context: ItemContext,
    sealed: Envelope,
}

fn new_key() -> Key {
    let key_id = KeyId::generate().expect("key id");
    let version = KeyVersion::new(1);
    let dealing =
        deal_saas_shares(key_id, version, Threshold::new(2, 3).expect("2 of 3")).expect("dealing");
    let customer = CustomerFragment::generate(key_id, version).expect("customer fragment");
    let roster = Roster::new(&dealing.commitments, customer.public_share()).expect("roster");
    let context = ItemContext::new(key_id, version, PATH, 1).expect("context");

    let pending = PendingDerivation::start(&roster, &context).expect("start");
    let partials = [
        dealing.shares[0].evaluate(pending.request()).expect("1"),
        dealing.shares[1].evaluate(pending.request()).expect("2"),
        customer.evaluate(pending.request()).expect("customer"),
    ];
    let direct = pending.finish(&partials).expect("direct derivation");
    let sealed = direct.seal(b"s3cr3t").expect("seal");

    Key {
        shares: dealing.shares.into_iter().map(Some).collect(),
        customer: Arc::new(customer),
        roster,
        context,
        sealed,
    }
}

impl Key {
    /// The in-process holder of SaaS share `index` (holder id `index + 1`).
    fn saas(&mut self, index: usize) -> Arc<dyn FragmentHolder> {
        let share = self.shares[index].take().expect("each share is used once");
        Arc::new(InProcessHolder::saas(share))
    }

    fn customer(&self) -> Arc<dyn FragmentHolder> {
        Arc::new(SharedCustomer(Arc::clone(&self.customer)))
    }
}

/// The customer fragment shared between holders of one test (it cannot be cloned).
struct SharedCustomer(Arc<CustomerFragment>);

#[async_trait]
impl FragmentHolder for SharedCustomer {
    fn holder_id(&self) -> HolderId {
        HolderId::CUSTOMER
    }

    fn name(&self) -> &str {
        "customer"
    }

    async fn evaluate(
        &self,
        request: &BlindedRequest,
        _: &str,
    ) -> Result<DerivedPartial, HolderError> {
        self.0.evaluate(request).map_err(|error| {
            HolderError::new(FragmentFailureCause::ServiceFailure, "refused").with_source(error)
        })
    }
}

/// Answers with a partial made by a share of another dealing under the same id: well formed,
/// right key and epoch, wrong proof.
struct Forger {
    id: HolderId,
    name: String,
    forged: InProcessHolder,
}

fn forger(key: &Key, index: usize) -> Arc<dyn FragmentHolder> {
    let other = deal_saas_shares(
        key.context.key_id(),
        key.context.key_version(),
        key.roster.threshold(),
    )
    .expect("other dealing");
    let share = other.shares.into_iter().nth(index).expect("share");
    Arc::new(Forger {
        id: share.holder(),
        name: format!("forger-{}", index + 1),
        forged: InProcessHolder::saas(share),
    })
}

#[async_trait]
impl FragmentHolder for Forger {
    fn holder_id(&self) -> HolderId {
        self.id
    }

    fn name(&self) -> &str {
        &self.name
    }

    async fn evaluate(
        &self,
        request: &BlindedRequest,
        id: &str,
    ) -> Result<DerivedPartial, HolderError> {
        self.forged.evaluate(request, id).await
    }
}

/// A customer holder answering with another customer fragment's partial.
struct ForgedCustomer(CustomerFragment);

#[async_trait]
impl FragmentHolder for ForgedCustomer {
    fn holder_id(&self) -> HolderId {
        HolderId::CUSTOMER
    }

    fn name(&self) -> &str {
        "forged-customer"
    }

    async fn evaluate(
        &self,
        request: &BlindedRequest,
        _: &str,
    ) -> Result<DerivedPartial, HolderError> {
        self.0.evaluate(request).map_err(|error| {
            HolderError::new(FragmentFailureCause::ServiceFailure, "x").with_source(error)
        })
    }
}

/// A holder whose service is down.
struct Down(HolderId);

#[async_trait]
impl FragmentHolder for Down {
    fn holder_id(&self) -> HolderId {
        self.0
    }

    fn name(&self) -> &str {
        "down"
    }

    async fn evaluate(&self, _: &BlindedRequest, _: &str) -> Result<DerivedPartial, HolderError> {
        Err(HolderError::new(
            FragmentFailureCause::Unreachable,
            "connection refused",
        ))
    }
}

/// A holder that answers after `delay`.
struct Slow {
    delay: Duration,
    inner: Arc<dyn FragmentHolder>,
}

#[async_trait]
impl FragmentHolder for Slow {
    fn holder_id(&self) -> HolderId {
        self.inner.holder_id()
    }

    fn name(&self) -> &str {
        "slow"
    }

    async fn evaluate(
        &self,
        request: &BlindedRequest,
        id: &str,
    ) -> Result<DerivedPartial, HolderError> {
        tokio::time::sleep(self.delay).await;
        self.inner.evaluate(request, id).await
    }
}

fn id(number: u16) -> HolderId {
    HolderId::new(number).expect("non-zero id")
}

/// The derived key opens what the directly derived key sealed.
fn assert_same_key(key: &Key, derived: &keyless_fragments::ItemKey) {
    let opened = derived.open(&key.sealed).expect("same item key");
    assert_eq!(opened.expose_secret(), b"s3cr3t");
}

#[tokio::test]
async fn all_holders_healthy() {
    let mut key = new_key();
    let quorum = FragmentQuorum::new(
        key.roster.clone(),
        vec![key.saas(0), key.saas(1), key.saas(2), key.customer()],
    )
    .expect("quorum");
    let outcome = quorum.derive(&key.context).await.expect("derived");
    assert!(outcome.problems.is_empty());
    assert_same_key(&key, &outcome.item_key);
}

#[tokio::test]
async fn one_forged_partial_is_named_and_set_aside() {
    for forged_index in 0..3 {
        let mut key = new_key();
        let mut holders: Vec<Arc<dyn FragmentHolder>> = (0..3)
            .map(|index| {
                if index == forged_index {
                    forger(&key, index)
                } else {
                    key.saas(index)
                }
            })
            .collect();
        holders.push(key.customer());
        let quorum = FragmentQuorum::new(key.roster.clone(), holders).expect("quorum");

        let outcome = quorum
            .derive(&key.context)
            .await
            .expect("two honest holders suffice");
        assert_same_key(&key, &outcome.item_key);
        let forged_id = id(u16::try_from(forged_index + 1).expect("small"));
        let named: Vec<_> = outcome
            .problems
            .iter()
            .map(|report| report.holder)
            .collect();
        // The forger is named whenever its partial was among the first t tried.
        assert!(named.is_empty() || named == [forged_id], "{named:?}");
        for report in &outcome.problems {
            assert!(
                matches!(&report.problem, HolderProblem::Rejected(keyless_fragments::Error::InvalidProof { holders }) if holders == &[forged_id]),
                "{report}"
            );
        }
    }
}

#[tokio::test]
async fn a_forged_partial_is_named_when_it_was_tried() {
    let mut key = new_key();
    let late = Arc::new(Slow {
        delay: Duration::from_millis(200),
        inner: key.saas(2),
    });
    let quorum = FragmentQuorum::new(
        key.roster.clone(),
        vec![forger(&key, 0), key.saas(1), late, key.customer()],
    )
    .expect("quorum");
    let outcome = quorum
        .derive(&key.context)
        .await
        .expect("holders 2 and 3 suffice");
    assert_same_key(&key, &outcome.item_key);
    assert_eq!(outcome.problems.len(), 1, "{:?}", outcome.problems);
    let report = &outcome.problems[0];
    assert_eq!((report.name.as_str(), report.holder), ("forger-1", id(1)));
    assert!(report.to_string().contains("DLEQ proof"), "{report}");
}

#[tokio::test]
async fn a_forged_partial_among_too_few_fails_naming_it() {
    let mut key = new_key();
    let quorum = FragmentQuorum::new(
        key.roster.clone(),
        vec![
            forger(&key, 0),
            Arc::new(Down(id(2))),
            key.saas(2),
            key.customer(),
        ],
    )
    .expect("quorum");
    let error = quorum
        .derive(&key.context)
        .await
        .expect_err("one valid SaaS partial");
    let text = error.to_string();
    assert!(
        matches!(
            &error,
            Error::NotEnoughPartials {
                valid: 1,
                need: 2,
                deadline_passed: false,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        text.contains("holder 1") && text.contains("DLEQ proof"),
        "{text}"
    );
    assert!(
        text.contains("holder 2") && text.contains("connection refused"),
        "{text}"
    );
    assert!(error.is_retryable(), "holder 2 may come back");
}

#[tokio::test]
async fn one_holder_down() {
    let mut key = new_key();
    let quorum = FragmentQuorum::new(
        key.roster.clone(),
        vec![
            Arc::new(Down(id(1))),
            key.saas(1),
            key.saas(2),
            key.customer(),
        ],
    )
    .expect("quorum");
    let outcome = quorum
        .derive(&key.context)
        .await
        .expect("two holders remain");
    assert_same_key(&key, &outcome.item_key);
    assert_eq!(outcome.problems.len(), 1);
    assert_eq!(
        outcome.problems[0].problem.cause(),
        FragmentFailureCause::Unreachable
    );
}

#[tokio::test]
async fn a_slow_holder_that_is_not_needed_is_not_waited_for() {
    let mut key = new_key();
    let slow = Arc::new(Slow {
        delay: Duration::from_secs(10),
        inner: key.saas(0),
    });
    let quorum = FragmentQuorum::new(
        key.roster.clone(),
        vec![slow, key.saas(1), key.saas(2), key.customer()],
    )
    .expect("quorum")
    .with_deadline(Duration::from_secs(20));
    let started = Instant::now();
    let outcome = quorum.derive(&key.context).await.expect("derived");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_same_key(&key, &outcome.item_key);
}

#[tokio::test]
async fn a_slow_holder_that_is_needed_hits_the_deadline() {
    let mut key = new_key();
    let slow = Arc::new(Slow {
        delay: Duration::from_secs(10),
        inner: key.saas(0),
    });
    let quorum = FragmentQuorum::new(
        key.roster.clone(),
        vec![slow, Arc::new(Down(id(2))), key.saas(2), key.customer()],
    )
    .expect("quorum")
    .with_deadline(Duration::from_millis(200));
    let started = Instant::now();
    let error = quorum.derive(&key.context).await.expect_err("deadline");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            &error,
            Error::NotEnoughPartials {
                deadline_passed: true,
                ..
            }
        ),
        "{error:?}"
    );
    let timed_out: Vec<_> = error
        .holder_problems()
        .into_iter()
        .filter(|(_, _, problem)| matches!(problem, HolderProblem::TimedOut))
        .map(|(name, holder, _)| (name.to_owned(), holder))
        .collect();
    assert_eq!(timed_out, [("slow".to_owned(), id(1))]);
}

#[tokio::test]
async fn a_slow_holder_within_the_deadline_is_waited_for() {
    let mut key = new_key();
    let slow = Arc::new(Slow {
        delay: Duration::from_millis(100),
        inner: key.saas(0),
    });
    let quorum = FragmentQuorum::new(
        key.roster.clone(),
        vec![slow, Arc::new(Down(id(2))), key.saas(2), key.customer()],
    )
    .expect("quorum")
    .with_deadline(Duration::from_secs(5));
    let outcome = quorum.derive(&key.context).await.expect("slow but in time");
    assert_same_key(&key, &outcome.item_key);
}

#[tokio::test]
async fn customer_holder_down_fails_at_once() {
    let mut key = new_key();
    let slow = Arc::new(Slow {
        delay: Duration::from_secs(10),
        inner: key.saas(0),
    });
    let quorum = FragmentQuorum::new(
        key.roster.clone(),
        vec![
            slow,
            key.saas(1),
            key.saas(2),
            Arc::new(Down(HolderId::CUSTOMER)),
        ],
    )
    .expect("quorum")
    .with_deadline(Duration::from_secs(20));
    let started = Instant::now();
    let error = quorum
        .derive(&key.context)
        .await
        .expect_err("no customer partial");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "did not wait: {:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            &error,
            Error::CustomerPartialUnavailable {
                cause: FragmentFailureCause::Unreachable,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert!(
        matches!(
            error.holder_problems().first(),
            Some((_, holder, HolderProblem::Failed(_))) if holder.is_customer()
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_forged_customer_partial_is_rejected() {
    let mut key = new_key();
    let other = CustomerFragment::generate(key.context.key_id(), key.context.key_version())
        .expect("other customer fragment");
    let quorum = FragmentQuorum::new(
        key.roster.clone(),
        vec![
            key.saas(0),
            key.saas(1),
            key.saas(2),
            Arc::new(ForgedCustomer(other)),
        ],
    )
    .expect("quorum");
    let error = quorum
        .derive(&key.context)
        .await
        .expect_err("forged customer partial");
    assert!(
        matches!(
            &error,
            Error::CustomerPartialUnavailable {
                cause: FragmentFailureCause::InvalidAnswer,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_retryable());
}

/// Builds a quorum's holder list from a key.
type HolderSet = fn(&mut Key) -> Vec<Arc<dyn FragmentHolder>>;

#[test]
fn misconfigured_quorums() {
    let cases: [(HolderSet, &str); 4] = [
        (|key| vec![key.saas(0), key.saas(1)], "no customer"),
        (
            |key| {
                let twin: Arc<dyn FragmentHolder> = Arc::new(Down(id(1)));
                vec![key.saas(0), twin, key.customer()]
            },
            "twice",
        ),
        (|key| vec![key.saas(0), key.customer()], "threshold"),
        (
            |key| vec![key.saas(0), Arc::new(Down(id(9))), key.customer()],
            "not in the roster",
        ),
    ];
    for (holders, expected) in cases {
        let mut key = new_key();
        let holders = holders(&mut key);
        let error = FragmentQuorum::new(key.roster.clone(), holders).expect_err(expected);
        assert!(error.to_string().contains(expected), "{expected}: {error}");
    }
}

/// A derived-key service on loopback holding `customer`, requiring `Bearer good-token`.
async fn derived_key_service(customer: Arc<CustomerFragment>) -> String {
    let handler = move |headers: HeaderMap, Json(body): Json<DerivedKeyRequest>| {
        let customer = Arc::clone(&customer);
        async move {
            if headers
                .get("authorization")
                .and_then(|value| value.to_str().ok())
                != Some("Bearer good-token")
            {
                return (
                    StatusCode::UNAUTHORIZED,
                    Json(json!({"error": "bad token"})),
                );
            }
            let Ok(request) = body.to_blinded() else {
                return (StatusCode::BAD_REQUEST, Json(json!({"error": "malformed"})));
            };
            match customer.evaluate(&request) {
                Ok(partial) => (
                    StatusCode::OK,
                    Json(
                        serde_json::to_value(DerivedKeyAnswer::from_partial(&partial))
                            .unwrap_or_default(),
                    ),
                ),
                Err(_) => (StatusCode::NOT_FOUND, Json(json!({"error": "unknown key"}))),
            }
        }
    };
    let router = Router::new().route("/api/derived-key", post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

fn http_holder(base: &str, token: &str) -> HttpFragmentHolder {
    HttpFragmentHolder::builder(base, SecretString::from(token))
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("holder")
}

#[tokio::test]
async fn http_customer_holder_in_a_quorum() {
    let mut key = new_key();
    let base = derived_key_service(Arc::clone(&key.customer)).await;
    let quorum = FragmentQuorum::new(
        key.roster.clone(),
        vec![
            key.saas(0),
            key.saas(1),
            key.saas(2),
            Arc::new(http_holder(&base, "good-token")),
        ],
    )
    .expect("quorum");
    let outcome = quorum
        .derive(&key.context)
        .await
        .expect("derived over HTTP");
    assert_same_key(&key, &outcome.item_key);

    let mut other = new_key();
    let rejected = FragmentQuorum::new(
        other.roster.clone(),
        vec![
            other.saas(0),
            other.saas(1),
            Arc::new(http_holder(&base, "bad-token")),
        ],
    )
    .expect("quorum")
    .derive(&other.context)
    .await
    .expect_err("bad token");
    assert!(
        matches!(
            &rejected,
            Error::CustomerPartialUnavailable {
                cause: FragmentFailureCause::Unauthorized,
                ..
            }
        ),
        "{rejected:?}"
    );
}

#[tokio::test]
async fn http_holder_sends_the_exact_request() {
    let key = new_key();
    let pending = PendingDerivation::start(&key.roster, &key.context).expect("start");
    let request = *pending.request();
    let partial = key.customer.evaluate(&request).expect("partial");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cm/api/derived-key"))
        .and(header("authorization", "Bearer tok-1"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "version": 1,
            "suite": 1,
            "key_id": key.context.key_id().to_base64(),
            "key_version": 1,
            "epoch": 0,
            "blinded": base64_of(&request.blinded().to_bytes()),
            "request_id": "req-42",
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::to_value(DerivedKeyAnswer::from_partial(&partial)).expect("json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let holder = http_holder(&format!("{}/cm/", server.uri()), "tok-1");
    assert_eq!(holder.url().path(), "/cm/api/derived-key");
    let answered = holder.evaluate(&request, "req-42").await.expect("partial");
    assert_eq!(answered, partial);
    assert!(!format!("{holder:?}").contains("tok-1"));
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The runbook's rows, told apart by the HTTP holder.
#[tokio::test]
async fn http_holder_failure_causes() {
    let key = new_key();
    let pending = PendingDerivation::start(&key.roster, &key.context).expect("start");
    let request = *pending.request();

    let cases = [
        (
            ResponseTemplate::new(404).set_body_raw("404 page not found", "text/plain"),
            FragmentFailureCause::EndpointNotFound,
        ),
        (
            ResponseTemplate::new(404).set_body_json(json!({"error": "unknown key k-1"})),
            FragmentFailureCause::UnknownKey,
        ),
        (
            ResponseTemplate::new(500).set_body_json(json!({"error": "panic in evaluator"})),
            FragmentFailureCause::ServiceFailure,
        ),
        (
            ResponseTemplate::new(409).set_body_json(json!({"error": "epoch 0 is stale"})),
            FragmentFailureCause::StaleEpoch,
        ),
        (
            ResponseTemplate::new(401).set_body_json(json!({"error": "bad token"})),
            FragmentFailureCause::Unauthorized,
        ),
        (
            ResponseTemplate::new(429).set_body_json(json!({"error": "slow down"})),
            FragmentFailureCause::RateLimited,
        ),
        (
            ResponseTemplate::new(400).set_body_json(json!({"error": "malformed"})),
            FragmentFailureCause::BadRequest,
        ),
        (
            ResponseTemplate::new(503).set_body_raw("no upstream", "text/plain"),
            FragmentFailureCause::Unreachable,
        ),
        (
            ResponseTemplate::new(200).set_body_raw("not json", "text/plain"),
            FragmentFailureCause::InvalidAnswer,
        ),
        (
            ResponseTemplate::new(200).set_body_json(json!({"partial": "AQID"})),
            FragmentFailureCause::InvalidAnswer,
        ),
    ];
    for (answer, cause) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/derived-key"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let error = http_holder(&server.uri(), "tok")
            .evaluate(&request, "req")
            .await
            .expect_err("a failure");
        assert_eq!(error.cause, cause, "{error}");
    }

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let error = http_holder(&format!("http://{address}"), "tok")
        .evaluate(&request, "req")
        .await
        .expect_err("refused");
    assert_eq!(error.cause, FragmentFailureCause::Unreachable, "{error}");
}

/// Every message of `error`'s source chain, outermost first.
fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut messages = vec![error.to_string()];
    let mut current = error.source();
    while let Some(layer) = current {
        messages.push(layer.to_string());
        current = layer.source();
    }
    messages
}

/// A customer holder that answers with a typed error carrying its own source.
struct Failing;

#[async_trait]
impl FragmentHolder for Failing {
    fn holder_id(&self) -> HolderId {
        HolderId::CUSTOMER
    }

    fn name(&self) -> &str {
        "failing-customer"
    }

    async fn evaluate(
        &self,
        _request: &BlindedRequest,
        _request_id: &str,
    ) -> Result<DerivedPartial, HolderError> {
        Err(HolderError::new(
            FragmentFailureCause::ServiceFailure,
            "the service said boom",
        )
        .with_status(500)
        .with_source(std::io::Error::other("socket detail")))
    }
}

#[tokio::test]
async fn the_customer_holder_error_is_the_source_not_part_of_the_message() {
    let mut key = new_key();
    let quorum = FragmentQuorum::new(
        key.roster.clone(),
        vec![key.saas(0), key.saas(1), key.saas(2), Arc::new(Failing)],
    )
    .expect("quorum");
    let error = quorum
        .derive(&key.context)
        .await
        .expect_err("the customer holder fails");

    let messages = chain(&error);
    assert!(
        messages.iter().any(|m| m.contains("the service said boom")),
        "the holder error is in the chain: {messages:?}"
    );
    assert_eq!(
        messages.last().map(String::as_str),
        Some("socket detail"),
        "the chain reaches the holder error's own source: {messages:?}"
    );
    for (index, message) in messages.iter().enumerate() {
        for inner in &messages[index + 1..] {
            assert!(
                !message.contains(inner.as_str()),
                "layer {index} repeats its source: {messages:?}"
            );
        }
    }
    let holder_error =
        std::iter::successors(std::error::Error::source(&error), |layer| layer.source())
            .find_map(|layer| layer.downcast_ref::<HolderError>())
            .expect("the HolderError itself is in the chain");
    assert_eq!(holder_error.status, Some(500));
}
