//! A fragment failure seen by a quorum in this process maps onto the runbook like one the
//! gateway reports.

use std::sync::Arc;
use std::time::Duration;

use keyless_examples::flow::runbook::{VM_UNREACHABLE, diagnose};
use keyless_fragments::{
    CustomerFragment, ItemContext, KeyId, KeyVersion, Roster, Threshold, deal_saas_shares,
};
use keyless_gateway::FragmentFailureCause;
use keyless_gateway::holder::{
    FragmentHolder, FragmentQuorum, HttpFragmentHolder, InProcessHolder,
};
use secrecy::SecretString;

#[tokio::test]
async fn an_unreachable_customer_holder_is_the_vm_row() {
    let key_id = KeyId::generate().unwrap();
    let version = KeyVersion::new(1);
    let dealing = deal_saas_shares(key_id, version, Threshold::new(2, 3).unwrap()).unwrap();
    let customer = CustomerFragment::generate(key_id, version).unwrap();
    let roster = Roster::new(&dealing.commitments, customer.public_share()).unwrap();

    // Nothing listens on a port just released.
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let service =
        HttpFragmentHolder::builder(format!("http://{address}"), SecretString::from("token"))
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
    let mut holders: Vec<Arc<dyn FragmentHolder>> = dealing
        .shares
        .into_iter()
        .map(|share| Arc::new(InProcessHolder::saas(share)) as Arc<dyn FragmentHolder>)
        .collect();
    holders.push(Arc::new(service));
    let quorum = FragmentQuorum::new(roster, holders).unwrap();

    let context = ItemContext::new(key_id, version, "/mdapi/billing/db-password", 1).unwrap();
    let error = quorum.derive_item_key(&context).await.unwrap_err();
    let diagnosis = diagnose(&error).expect("a gateway error");
    assert_eq!(
        diagnosis.client_error, "CustomerPartialUnavailable",
        "{error}"
    );
    assert_eq!(
        diagnosis.fragment_cause,
        Some(FragmentFailureCause::Unreachable.to_string())
    );
    assert_eq!(diagnosis.row, Some(VM_UNREACHABLE));
}
