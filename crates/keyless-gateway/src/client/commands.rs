//! One method per gateway command.

use super::{GatewayClient, Safety};
use crate::error::Error;
use crate::response::{check_secret_values, error_from_response};
use crate::wire::{
    CreateSecretRequest, CreateSecretResponse, DeleteItemRequest, DeleteItemResponse,
    DescribeItemRequest, GetDynamicSecretValueRequest, GetRotatedSecretValueRequest,
    GetRotatedSecretValueResponse, GetSecretValueRequest, Item, ListItemsRequest,
    ListItemsResponse, RollbackSecretRequest, RollbackSecretResponse, SecretMap, SecretValue,
    UpdateSecretValRequest, UpdateSecretValResponse, ValidateTokenRequest, ValidateTokenResponse,
    command,
};
use std::collections::HashSet;

/// Pages `list_all_items` follows before it gives up on a server that never ends.
const MAX_PAGES: usize = 10_000;

impl GatewayClient {
    /// The latest value of the static secret `name`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] on 404, [`Error::Denied`] on 401/403 (also for an item the caller
    /// may not see), [`Error::MissingValue`] when the answer lacks `name`,
    /// [`Error::EmptyValue`] when its value is empty, and the transport and gateway errors of
    /// every call.
    pub async fn get_secret_value(&self, name: &str) -> Result<SecretValue, Error> {
        let mut values = self
            .get_secret_values(GetSecretValueRequest::new([name]))
            .await?;
        values.remove(name).ok_or_else(|| Error::MissingValue {
            command: command::GET_SECRET_VALUE.to_owned(),
            status: 200,
            name: name.to_owned(),
        })
    }

    /// The values of every name in `request`, in one call, keyed by the names as requested.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for an empty name list or an empty name; otherwise as
    /// [`Self::get_secret_value`], for the first name missing or empty in the answer.
    pub async fn get_secret_values(
        &self,
        mut request: GetSecretValueRequest,
    ) -> Result<SecretMap, Error> {
        let command = command::GET_SECRET_VALUE;
        if request.names.is_empty() {
            return Err(Error::InvalidRequest {
                command: command.to_owned(),
                reason: "no secret name given".to_owned(),
            });
        }
        if let Some(position) = request.names.iter().position(|name| name.trim().is_empty()) {
            return Err(Error::InvalidRequest {
                command: command.to_owned(),
                reason: format!(
                    "secret name {} of {} is empty",
                    position + 1,
                    request.names.len()
                ),
            });
        }
        let answer = self
            .call_authenticated(command, Safety::Read, &mut request)
            .await?;
        let values: SecretMap = super::decode_answer(command, &answer)?;
        check_secret_values(command, answer.status, &request.names, &values)?;
        Ok(values)
    }

    /// Describes an item (with its versions when `show-versions` is set).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] only on 404; [`Error::InvalidResponse`] when a 200 carries no
    /// `item_name` (it does not describe an item, and treating it as "absent" is what hid
    /// access errors in ESO).
    pub async fn describe_item(&self, mut request: DescribeItemRequest) -> Result<Item, Error> {
        let command = command::DESCRIBE_ITEM;
        let answer = self
            .call_authenticated(command, Safety::Read, &mut request)
            .await?;
        let item: Item = super::decode_answer(command, &answer)?;
        if item.item_name.as_deref().is_none_or(str::is_empty) {
            return Err(Error::InvalidResponse {
                command: command.to_owned(),
                status: answer.status,
                reason: format!("the answer for `{}` has no item_name", request.name),
            });
        }
        Ok(item)
    }

    /// One page of `list-items`; pass its `next_page` as `pagination_token` for the next.
    ///
    /// # Errors
    ///
    /// The errors of every call.
    pub async fn list_items(
        &self,
        mut request: ListItemsRequest,
    ) -> Result<ListItemsResponse, Error> {
        self.call(command::LIST_ITEMS, Safety::Read, &mut request)
            .await
    }

    /// Every page of `list-items`, following `next_page` until the server stops giving one;
    /// items and folders are concatenated in order.
    ///
    /// # Errors
    ///
    /// The errors of every call, and [`Error::InvalidResponse`] when the server repeats a
    /// page token (which would loop forever) or exceeds 10 000 pages.
    pub async fn list_all_items(
        &self,
        mut request: ListItemsRequest,
    ) -> Result<ListItemsResponse, Error> {
        let mut all = ListItemsResponse::default();
        let mut seen_tokens = HashSet::new();

        for _ in 0..MAX_PAGES {
            let page = self.list_items(request.clone()).await?;
            all.items.extend(page.items);
            all.folders.extend(page.folders);

            let Some(next) = page.next_page.filter(|token| !token.is_empty()) else {
                return Ok(all);
            };
            if !seen_tokens.insert(next.clone()) {
                return Err(Error::InvalidResponse {
                    command: command::LIST_ITEMS.to_owned(),
                    status: 200,
                    reason: "the server repeated a page token".to_owned(),
                });
            }
            request.pagination_token = Some(next);
        }

        Err(Error::InvalidResponse {
            command: command::LIST_ITEMS.to_owned(),
            status: 200,
            reason: format!("more than {MAX_PAGES} pages"),
        })
    }

    /// Creates a static secret. Never retried after it may have reached the server, unless
    /// the retry policy opts in.
    ///
    /// # Errors
    ///
    /// The errors of every call; an existing name is a gateway error (status varies).
    pub async fn create_secret(
        &self,
        mut request: CreateSecretRequest,
    ) -> Result<CreateSecretResponse, Error> {
        self.call(command::CREATE_SECRET, Safety::Write, &mut request)
            .await
    }

    /// Sets a new value of a static secret.
    ///
    /// # Errors
    ///
    /// The errors of every call.
    pub async fn update_secret_val(
        &self,
        mut request: UpdateSecretValRequest,
    ) -> Result<UpdateSecretValResponse, Error> {
        self.call(command::UPDATE_SECRET_VAL, Safety::Write, &mut request)
            .await
    }

    /// Deletes an item or one of its versions.
    ///
    /// # Errors
    ///
    /// The errors of every call.
    pub async fn delete_item(
        &self,
        mut request: DeleteItemRequest,
    ) -> Result<DeleteItemResponse, Error> {
        self.call(command::DELETE_ITEM, Safety::Write, &mut request)
            .await
    }

    /// A fresh value of a dynamic secret: a producer-specific object. Each call creates new
    /// credentials, so it is treated as a write and not repeated.
    ///
    /// # Errors
    ///
    /// The errors of every call; a 200 whose body carries a non-empty `error` string (some
    /// producers report failures that way) is [`Error::Gateway`] with status 200, or
    /// [`Error::CustomerFragmentUnavailable`] when the text says so.
    pub async fn get_dynamic_secret_value(
        &self,
        mut request: GetDynamicSecretValueRequest,
    ) -> Result<SecretMap, Error> {
        let command = command::GET_DYNAMIC_SECRET_VALUE;
        let answer = self
            .call_authenticated(command, Safety::Write, &mut request)
            .await?;
        let values: SecretMap = super::decode_answer(command, &answer)?;
        let reports_error = values
            .get("error")
            .and_then(SecretValue::as_text)
            .is_some_and(|text| !secrecy::ExposeSecret::expose_secret(text).is_empty());
        if reports_error {
            return Err(error_from_response(command, answer.status, &answer.body));
        }
        if values.is_empty() {
            return Err(Error::InvalidResponse {
                command: command.to_owned(),
                status: answer.status,
                reason: format!("the answer for `{}` is empty", request.name),
            });
        }
        Ok(values)
    }

    /// The current (or requested) value of a rotated secret: the object under `value`.
    ///
    /// # Errors
    ///
    /// The errors of every call; [`Error::EmptyValue`] when `value` is missing or empty.
    pub async fn get_rotated_secret_value(
        &self,
        mut request: GetRotatedSecretValueRequest,
    ) -> Result<SecretValue, Error> {
        let command = command::GET_ROTATED_SECRET_VALUE;
        let answer = self
            .call_authenticated(command, Safety::Read, &mut request)
            .await?;
        let response: GetRotatedSecretValueResponse = super::decode_answer(command, &answer)?;
        if response.value.is_empty() {
            return Err(Error::EmptyValue {
                command: command.to_owned(),
                status: answer.status,
                name: request.names.clone(),
                kind: response.value.kind(),
            });
        }
        Ok(response.value)
    }

    /// Makes an old version of a secret current again.
    ///
    /// # Errors
    ///
    /// The errors of every call.
    pub async fn rollback_secret(
        &self,
        mut request: RollbackSecretRequest,
    ) -> Result<RollbackSecretResponse, Error> {
        self.call(command::ROLLBACK_SECRET, Safety::Write, &mut request)
            .await
    }

    /// Validates the client's own token.
    ///
    /// # Errors
    ///
    /// The errors of every call.
    pub async fn validate_token(&self) -> Result<ValidateTokenResponse, Error> {
        let mut request = ValidateTokenRequest::default();
        self.call(command::VALIDATE_TOKEN, Safety::Read, &mut request)
            .await
    }

    /// Validates another token (sent as `token`, or `uid-token` for a `u-` token); the
    /// client's own token is not used.
    ///
    /// # Errors
    ///
    /// The errors of every call; a 401 is [`Error::Denied`].
    pub async fn validate_other_token(
        &self,
        request: ValidateTokenRequest,
    ) -> Result<ValidateTokenResponse, Error> {
        let command = command::VALIDATE_TOKEN;
        let body = super::serialize(command, &request)?;
        let answer = self.send(command, Safety::Read, &body).await?;
        super::decode_answer(command, &answer)
    }
}
