// The checks of the `eso_render` fuzz target, shared with the stable corpus replay test.
//
// Input layout: the first line is a `property` (a GJSON path), the second line a template, the
// rest a provider value. The value goes through the GJSON lookup, the `extract` flattening,
// and a whole render that reads it by property, extracts it, renders the template against it
// and reads the template's output as KeysAndValues YAML. None of it may panic, and a
// successful render must carry a data-hash annotation that matches its data.

use std::collections::BTreeMap;

use keyless_eso::extract::flatten_json_object;
use keyless_eso::gjson;
use keyless_eso::model::{
    ExternalSecret, ExternalSecretData, ExternalSecretDataFromRemoteRef,
    ExternalSecretDataRemoteRef, ExternalSecretSpec, ExternalSecretTarget, ExternalSecretTemplate,
    ObjectMeta, SecretValue, TemplateFrom, TemplateMergePolicy,
};
use keyless_eso::render::{markers, render_with_values};

pub(crate) fn check(input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    let mut lines = text.splitn(3, '\n');
    let property = lines.next().unwrap_or_default().to_owned();
    let template = lines.next().unwrap_or_default().to_owned();
    let value = lines.next().unwrap_or_default().to_owned();

    let _ = gjson::get(&value, &property)
        .found()
        .map(|found| found.to_go_string());
    let _ = gjson::akeyless_property(&value, &property);
    let _ = flatten_json_object(value.as_bytes());
    let _ = flatten_json_object(input);

    let remote = ExternalSecretDataRemoteRef {
        key: "/fuzz/value".to_owned(),
        ..ExternalSecretDataRemoteRef::default()
    };
    let data = ExternalSecretData {
        secret_key: "value".to_owned(),
        remote_ref: ExternalSecretDataRemoteRef {
            property: Some(property),
            ..remote.clone()
        },
        ..ExternalSecretData::default()
    };
    let extract = ExternalSecretDataFromRemoteRef {
        extract: Some(remote),
        ..Default::default()
    };
    let templates = ExternalSecretTemplate {
        merge_policy: Some(TemplateMergePolicy::Merge),
        data: [("rendered".to_owned(), template.clone())]
            .into_iter()
            .collect(),
        template_from: vec![TemplateFrom {
            literal: Some(template),
            ..TemplateFrom::default()
        }],
        ..ExternalSecretTemplate::default()
    };
    let spec = ExternalSecretSpec {
        data: vec![data],
        data_from: vec![extract],
        target: Some(ExternalSecretTarget {
            template: Some(templates),
            ..ExternalSecretTarget::default()
        }),
        ..ExternalSecretSpec::default()
    };
    let external = ExternalSecret::new(ObjectMeta::named("fuzz", Some("ns")), spec);

    let values = BTreeMap::from([("/fuzz/value".to_owned(), SecretValue::from(value.as_str()))]);
    if let Ok(secret) = render_with_values(&external, &values) {
        let hash = secret
            .metadata
            .annotations
            .get(markers::ANNOTATION_DATA_HASH);
        assert_eq!(hash, Some(&markers::data_hash(&secret.data)));
    }
}
