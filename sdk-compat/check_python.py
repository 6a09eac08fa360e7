#!/usr/bin/env python3
"""Drive keyless-fake-gateway through the official Akeyless Python SDK.

Every check uses the SDK's own request models and response deserialisation, so a field the fake
names differently, a type the SDK cannot decode or a status the SDK maps to the wrong exception
fails here. Run through sdk-compat/run.sh, which starts the fake from sdk-compat/seed.yaml.

Exit status: 0 when every check passed, 1 otherwise. A summary line
"sdk-compat: N passed, M failed" closes the output.
"""

import argparse
import datetime
import json
import sys
import traceback
import urllib.error
import urllib.request

import akeyless
from akeyless.rest import ApiException

RESULTS = []


def check(name):
    """Register a check; the decorated function raises on failure."""

    def wrap(function):
        RESULTS.append((name, function))
        return function

    return wrap


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_status(call, status, what):
    """Run call() and require an ApiException with the given HTTP status and a JSON error body."""
    try:
        call()
    except ApiException as error:
        expect(
            error.status == status,
            f"{what}: expected HTTP {status}, got {error.status} ({error.body!r})",
        )
        body = json.loads(error.body)
        expect(
            isinstance(body.get("error"), str) and body["error"],
            f"{what}: error body has no 'error' text: {error.body!r}",
        )
        # urllib3's HTTPHeaderDict looks names up case-insensitively.
        content_type = (error.headers or {}).get("Content-Type", "")
        expect(
            content_type.startswith("application/json"),
            f"{what}: error Content-Type is {content_type!r}",
        )
        return body
    raise AssertionError(f"{what}: expected HTTP {status}, the call succeeded")


class Context:
    def __init__(self, args):
        self.args = args
        self.api = make_api(args.host, args.ca_cert)
        self.token = None
        self.reader_token = None

    def authenticate(self, access_id, access_key):
        body = akeyless.Auth(access_id=access_id, access_key=access_key)
        return self.api.auth(body)


def make_api(host, ca_cert):
    configuration = akeyless.Configuration(host=host)
    if ca_cert:
        configuration.ssl_ca_cert = ca_cert
    return akeyless.V2Api(akeyless.ApiClient(configuration))


@check("auth with an access key returns a t- token and a parseable expiration")
def auth_ok(ctx):
    output = ctx.authenticate(ctx.args.access_id, ctx.args.access_key)
    expect(isinstance(output, akeyless.AuthOutput), f"not an AuthOutput: {type(output)}")
    expect(output.token and output.token.startswith("t-"), "token does not start with t-")
    expiration = datetime.datetime.fromisoformat(output.expiration.replace("Z", "+00:00"))
    expect(
        expiration > datetime.datetime.now(datetime.timezone.utc),
        f"expiration {output.expiration} is in the past",
    )
    expect(output.creds is not None and output.creds.token == output.token, "creds.token differs")
    expect(isinstance(output.creds.expiry, int), "creds.expiry is not an integer")
    ctx.token = output.token

    reader = ctx.authenticate(ctx.args.reader_access_id, ctx.args.reader_access_key)
    ctx.reader_token = reader.token


@check("auth with a wrong access key is HTTP 401")
def auth_denied(ctx):
    expect_status(
        lambda: ctx.authenticate(ctx.args.access_id, "d3Jvbmcta2V5"),
        401,
        "auth with a wrong key",
    )
    expect_status(
        lambda: ctx.authenticate("p-nonexistent00", ctx.args.access_key),
        401,
        "auth with an unknown access id",
    )


@check("validate-token reports the token as valid")
def validate_token(ctx):
    output = ctx.api.validate_token(akeyless.ValidateToken(token=ctx.token))
    expect(output.is_valid is True, f"is_valid is {output.is_valid!r}")
    expect(isinstance(output.ttl, int) and output.ttl > 0, f"ttl is {output.ttl!r}")


@check("create-secret then get-secret-value of one name")
def create_and_get(ctx):
    created = ctx.api.create_secret(
        akeyless.CreateSecret(
            name="/sdk/allowed/app/password",
            value="first-value",
            tags=["sdk", "k8s-external-secrets"],
            description="made by the SDK check",
            token=ctx.token,
        )
    )
    expect(created.name == "/sdk/allowed/app/password", f"create returned {created.name!r}")

    values = ctx.api.get_secret_value(
        akeyless.GetSecretValue(names=["/sdk/allowed/app/password"], token=ctx.token)
    )
    expect(values == {"/sdk/allowed/app/password": "first-value"}, f"got {values!r}")


@check("create-secret of an existing name is refused and keeps the value")
def create_duplicate(ctx):
    try:
        ctx.api.create_secret(
            akeyless.CreateSecret(
                name="/sdk/allowed/app/password", value="other", token=ctx.token
            )
        )
    except ApiException as error:
        expect(400 <= error.status < 500, f"duplicate create gave HTTP {error.status}")
    else:
        raise AssertionError("duplicate create succeeded")
    values = ctx.api.get_secret_value(
        akeyless.GetSecretValue(names=["/sdk/allowed/app/password"], token=ctx.token)
    )
    expect(values["/sdk/allowed/app/password"] == "first-value", f"value changed: {values!r}")


@check("get-secret-value of many names, echoing each requested spelling")
def get_many(ctx):
    names = ["/sdk/allowed/app/password", "sdk/allowed/seeded", "/sdk/allowed/nested/config"]
    values = ctx.api.get_secret_value(
        akeyless.GetSecretValue(names=names, token=ctx.token, version=0)
    )
    expect(sorted(values) == sorted(names), f"keys {sorted(values)!r}")
    expect(values["sdk/allowed/seeded"] == "seeded-value", f"seeded: {values!r}")
    config = json.loads(values["/sdk/allowed/nested/config"])
    expect(config == {"user": "app", "port": 5432}, f"json secret: {config!r}")


@check("a password-type secret comes back as an object")
def password_type(ctx):
    values = ctx.api.get_secret_value(
        akeyless.GetSecretValue(names=["/sdk/allowed/db-login"], token=ctx.token)
    )
    login = values["/sdk/allowed/db-login"]
    expect(isinstance(login, dict), f"password secret is {type(login)}")
    expect(login.get("username") == "app", f"username: {login!r}")
    expect(login.get("password") == "s3eded-Passw0rd", "password differs")


@check("update-secret-val with last-version, and a stale last-version is refused")
def update(ctx):
    updated = ctx.api.update_secret_val(
        akeyless.UpdateSecretVal(
            name="/sdk/allowed/app/password",
            value="second-value",
            last_version=1,
            keep_prev_version="true",
            token=ctx.token,
        )
    )
    expect(updated.name == "/sdk/allowed/app/password", f"update returned {updated.name!r}")

    try:
        ctx.api.update_secret_val(
            akeyless.UpdateSecretVal(
                name="/sdk/allowed/app/password",
                value="lost-update",
                last_version=1,
                token=ctx.token,
            )
        )
    except ApiException as error:
        expect(400 <= error.status < 500, f"stale update gave HTTP {error.status}")
    else:
        raise AssertionError("an update with a stale last-version succeeded")

    latest = ctx.api.get_secret_value(
        akeyless.GetSecretValue(names=["/sdk/allowed/app/password"], token=ctx.token)
    )
    expect(latest["/sdk/allowed/app/password"] == "second-value", f"latest {latest!r}")
    first = ctx.api.get_secret_value(
        akeyless.GetSecretValue(names=["/sdk/allowed/app/password"], version=1, token=ctx.token)
    )
    expect(first["/sdk/allowed/app/password"] == "first-value", f"version 1: {first!r}")


@check("describe-item with versions decodes into the SDK's Item model")
def describe(ctx):
    item = ctx.api.describe_item(
        akeyless.DescribeItem(name="/sdk/allowed/app/password", show_versions=True, token=ctx.token)
    )
    expect(isinstance(item, akeyless.Item), f"not an Item: {type(item)}")
    expect(item.item_name == "/sdk/allowed/app/password", f"item_name {item.item_name!r}")
    expect(item.item_type == "STATIC_SECRET", f"item_type {item.item_type!r}")
    expect(item.item_sub_type == "generic", f"item_sub_type {item.item_sub_type!r}")
    expect(item.last_version == 2, f"last_version {item.last_version!r}")
    expect(sorted(item.item_tags) == ["k8s-external-secrets", "sdk"], f"tags {item.item_tags!r}")
    expect(item.is_enabled is True, f"is_enabled {item.is_enabled!r}")
    expect(item.item_metadata == "made by the SDK check", f"metadata {item.item_metadata!r}")
    expect(isinstance(item.creation_date, datetime.datetime), "creation_date is not a datetime")
    expect(item.with_customer_fragment is True, "with_customer_fragment is not true")
    expect(isinstance(item.item_id, int), f"item_id {item.item_id!r}")
    versions = sorted(version.version for version in item.item_versions)
    expect(versions == [1, 2], f"item_versions {versions!r}")
    for version in item.item_versions:
        expect(isinstance(version.creation_date, datetime.datetime), "version date not a datetime")
    info = item.item_general_info.static_secret_info
    expect(info.format == "text", f"static_secret_info.format {info.format!r}")

    plain = ctx.api.describe_item(
        akeyless.DescribeItem(name="/sdk/allowed/app/password", token=ctx.token)
    )
    expect(not plain.item_versions, "item_versions present without show-versions")


@check("rollback-secret makes an older value the newest version")
def rollback(ctx):
    output = ctx.api.rollback_secret(
        akeyless.RollbackSecret(name="/sdk/allowed/app/password", old_version=1, token=ctx.token)
    )
    expect(output.version == 3, f"rollback version {output.version!r}")
    values = ctx.api.get_secret_value(
        akeyless.GetSecretValue(names=["/sdk/allowed/app/password"], token=ctx.token)
    )
    expect(values["/sdk/allowed/app/password"] == "first-value", f"after rollback {values!r}")


@check("list-items returns items and folders as full paths")
def list_items(ctx):
    output = ctx.api.list_items(akeyless.ListItems(path="/sdk/allowed", token=ctx.token))
    expect(isinstance(output, akeyless.ListItemsInPathOutput), f"type {type(output)}")
    names = sorted(item.item_name for item in output.items or [])
    expect("/sdk/allowed/seeded" in names, f"seeded missing from {names!r}")
    expect("/sdk/allowed/app/password" in names, f"created item missing from {names!r}")
    expect("/sdk/denied/secret" not in names, "list shows an item outside the role")
    expect("/sdk/allowed/app" in (output.folders or []), f"folders {output.folders!r}")

    tagged = ctx.api.list_items(
        akeyless.ListItems(path="/sdk/allowed", tag="seeded", token=ctx.token)
    )
    expect(
        [item.item_name for item in tagged.items] == ["/sdk/allowed/seeded"],
        f"tag filter gave {[item.item_name for item in tagged.items]!r}",
    )

    typed = ctx.api.list_items(
        akeyless.ListItems(
            path="/sdk/allowed", type=["dynamic-secret"], token=ctx.token
        )
    )
    expect(not typed.items, f"type filter gave {typed.items!r}")


@check("a missing item is HTTP 404 for get-secret-value and describe-item")
def missing(ctx):
    expect_status(
        lambda: ctx.api.get_secret_value(
            akeyless.GetSecretValue(names=["/sdk/allowed/missing"], token=ctx.token)
        ),
        404,
        "get of a missing item",
    )
    expect_status(
        lambda: ctx.api.describe_item(
            akeyless.DescribeItem(name="/sdk/allowed/missing", token=ctx.token)
        ),
        404,
        "describe of a missing item",
    )


@check("a denied path is HTTP 401 whether the item exists or not")
def denied(ctx):
    for name in ["/sdk/denied/secret", "/sdk/denied/missing"]:
        body = expect_status(
            lambda: ctx.api.get_secret_value(
                akeyless.GetSecretValue(names=[name], token=ctx.token)
            ),
            401,
            f"get of {name}",
        )
        expect("never-shown" not in body["error"], "a denied error leaks the value")
        expect_status(
            lambda: ctx.api.describe_item(akeyless.DescribeItem(name=name, token=ctx.token)),
            401,
            f"describe of {name}",
        )


@check("a read-only role may read but not write")
def read_only(ctx):
    values = ctx.api.get_secret_value(
        akeyless.GetSecretValue(names=["/sdk/allowed/seeded"], token=ctx.reader_token)
    )
    expect(values == {"/sdk/allowed/seeded": "seeded-value"}, f"reader got {values!r}")
    expect_status(
        lambda: ctx.api.update_secret_val(
            akeyless.UpdateSecretVal(
                name="/sdk/allowed/seeded", value="nope", token=ctx.reader_token
            )
        ),
        401,
        "update by a read-only role",
    )


@check("a bad token is HTTP 401")
def bad_token(ctx):
    expect_status(
        lambda: ctx.api.get_secret_value(
            akeyless.GetSecretValue(names=["/sdk/allowed/seeded"], token="t-not-a-real-token")
        ),
        401,
        "get with an unknown token",
    )


@check("delete-item removes the item; reading it afterwards is HTTP 404")
def delete(ctx):
    output = ctx.api.delete_item(
        akeyless.DeleteItem(name="/sdk/allowed/app/password", token=ctx.token)
    )
    expect(output.item_name == "/sdk/allowed/app/password", f"item_name {output.item_name!r}")
    expect_status(
        lambda: ctx.api.get_secret_value(
            akeyless.GetSecretValue(names=["/sdk/allowed/app/password"], token=ctx.token)
        ),
        404,
        "get after delete",
    )


@check("the base URL with a trailing slash (doubled slash) reaches the same commands")
def trailing_slash(ctx):
    api = make_api(ctx.args.host + "/", ctx.args.ca_cert)
    values = api.get_secret_value(
        akeyless.GetSecretValue(names=["/sdk/allowed/seeded"], token=ctx.token)
    )
    expect(values == {"/sdk/allowed/seeded": "seeded-value"}, f"got {values!r}")


def raw_post(ctx, url, body):
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    context = None
    if ctx.args.ca_cert:
        import ssl

        context = ssl.create_default_context(cafile=ctx.args.ca_cert)
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read()


@check("POST to the bare prefix says 'unknown command'; an unknown command is a JSON 404")
def probes(ctx):
    status, content_type, body = raw_post(ctx, ctx.args.host, b"")
    expect(b"unknown command" in body, f"bare prefix answered {status} {body!r}")
    expect(content_type.startswith("application/json"), f"bare prefix type {content_type!r}")

    status, content_type, body = raw_post(ctx, ctx.args.host + "/no-such-command", b"{}")
    expect(status == 404, f"unknown command gave {status}")
    expect(content_type.startswith("application/json"), f"unknown command type {content_type!r}")
    expect("error" in json.loads(body), f"unknown command body {body!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", required=True, help="gateway base URL, without trailing slash")
    parser.add_argument("--access-id", required=True)
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--reader-access-id", required=True)
    parser.add_argument("--reader-access-key", required=True)
    parser.add_argument("--ca-cert", help="PEM file of the CA that signed the fake's certificate")
    args = parser.parse_args()

    ctx = Context(args)
    passed = failed = 0
    for name, function in RESULTS:
        try:
            function(ctx)
        except Exception:  # noqa: BLE001 - every failure is reported, then counted
            failed += 1
            print(f"FAIL  {name}")
            traceback.print_exc(limit=3)
        else:
            passed += 1
            print(f"ok    {name}")

    print(f"python SDK akeyless {akeyless.__version__} against {args.host}")
    print(f"sdk-compat: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
