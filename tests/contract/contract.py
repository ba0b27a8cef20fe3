"""The MQTT contract of docs/asyncapi.yaml, as a JSON Schema check of captured payloads.

Contract(path) reads the AsyncAPI document and answers, for one MQTT message (topic + payload):
which channel it belongs to, which message of that channel applies, and every way the payload
breaks that message's schema (Debian's python3-jsonschema, draft 7, with the document itself as
the resolver's root so that '#/components/...' references resolve). Rules, all taken from the
document:

  - the topic must match exactly one channel name ({param} = one topic level);
  - the operation is `subscribe` for what the gateway publishes, `publish` for what it receives;
  - a channel with a `type` parameter applies the message whose `name` is that level; otherwise
    the payload must be valid under at least one of the channel's messages (status: birth/death);
  - a parameter with `location: $message.payload#/<field>` must equal that payload field.

Run as a program it validates a capture directory (WEDGE_CONTRACT_CAPTURE=<dir> of
contract_payload_test or of the test probe, tests/integration/mqtt/probe.cpp): every *.jsonl file
there, one {"topic","payload"[,"session_property"]} object per line; with --run it runs a test
program with the capture on first (ctest contract_capture_<suite>).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml


class ContractError(Exception):
    pass


class Contract:
    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        self.resolver = jsonschema.RefResolver.from_schema(self.doc)
        self.channels = []  # (regex, parameter names, channel name, channel object)
        for name, channel in self.doc["channels"].items():
            params = re.findall(r"\{([^}]+)\}", name)
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(name)) + "$"
            self.channels.append((re.compile(pattern), params, name, channel))

    # --- the document --------------------------------------------------------------------------

    def resolve(self, node):
        """`node` with its $ref (if any) followed, repeatedly."""
        while isinstance(node, dict) and "$ref" in node:
            _url, node = self.resolver.resolve(node["$ref"])
        return node

    def messages(self, operation):
        """[(message name, message)] of an operation, whether one message or a oneOf list."""
        message = self.resolve(operation["message"])
        items = message["oneOf"] if "oneOf" in message else [message]
        return [(self.resolve(m).get("name"), self.resolve(m)) for m in items]

    def gateway_messages(self):
        """Every message the gateway publishes: {name: message}."""
        out = {}
        for _regex, _params, _name, channel in self.channels:
            if "subscribe" in channel:
                out.update(dict(self.messages(channel["subscribe"])))
        return out

    def schema(self, name):
        """components.schemas.<name>, references followed."""
        return self.resolve(self.doc["components"]["schemas"][name])

    # --- one message ---------------------------------------------------------------------------

    def channel_of(self, topic):
        found = []
        for regex, params, name, channel in self.channels:
            match = regex.match(topic)
            if match:
                found.append((name, channel, dict(zip(params, match.groups()))))
        if len(found) != 1:
            raise ContractError(f"topic {topic} matches {len(found)} channels of the document "
                                f"({', '.join(f[0] for f in found) or 'none'})")
        return found[0]

    def errors(self, schema, payload):
        validator = jsonschema.Draft7Validator(schema, resolver=self.resolver,
                                               format_checker=jsonschema.draft7_format_checker)
        out = []
        for error in validator.iter_errors(payload):
            leaves = [error]
            if error.context:  # oneOf/anyOf: the branch errors say what is wrong
                leaves = sorted(error.context, key=lambda e: -len(e.absolute_path))[:3]
            for leaf in leaves:
                where = "/".join(str(p) for p in leaf.absolute_path) or "(root)"
                out.append(f"{where}: {leaf.message}")
        return out

    def check(self, topic, payload, direction="subscribe"):
        """(message name, [error strings]) for one message; an empty list means valid."""
        name, channel, params = self.channel_of(topic)
        if direction not in channel:
            return None, [f"channel {name} has no {direction} operation"]
        candidates = self.messages(channel[direction])
        if "type" in params:
            candidates = [c for c in candidates if c[0] == params["type"]]
            if not candidates:
                return None, [f"channel {name} documents no message named {params['type']!r}"]
        problems = []
        for param, value in params.items():
            location = self.resolve(channel.get("parameters", {}).get(param, {})).get("location", "")
            if location.startswith("$message.payload#/"):
                field = location[len("$message.payload#/"):]
                if not isinstance(payload, dict) or payload.get(field) != value:
                    got = payload.get(field) if isinstance(payload, dict) else None
                    problems.append(f"{field}: {got!r} differs from the topic's {{{param}}} level {value!r}")
        results = [(message_name, self.errors(message["payload"], payload))
                   for message_name, message in candidates]
        for message_name, errors in results:
            if not errors:
                return message_name, problems
        if len(results) == 1:
            return results[0][0], problems + results[0][1]
        return None, problems + [f"[{n}] {e}" for n, errors in results for e in errors]

    def check_text(self, topic, text, direction="subscribe"):
        """check() of a payload as received: (message name, payload or None, [error strings])."""
        try:
            payload = json.loads(text)
            name, errors = self.check(topic, payload, direction)
            return name, payload, errors
        except (ValueError, ContractError) as e:
            return None, None, [str(e)]


def read_capture(directory):
    """Every captured message of a capture directory, in file order."""
    out = []
    for file in sorted(os.listdir(directory)):
        if file.endswith(".jsonl"):
            with open(os.path.join(directory, file), encoding="utf-8", errors="replace") as f:
                out.extend(json.loads(line) for line in f if line.strip())
    return out


def check_capture(contract, captured):
    """Problems of a capture: each message the gateway published (the OMS's own commands, echoed
    by the broker to a subscriber of '#', are not the gateway's and are skipped) against its
    message, and an MQTT 5 `session` user property (when recorded) equal to the payload's."""
    problems, checked = [], 0
    for record in captured:
        topic = record["topic"]
        if re.search(r"/cmd(/|$)", topic):
            continue
        checked += 1
        name, payload, errors = contract.check_text(topic, record["payload"])
        prop = record.get("session_property") or ""
        if prop and isinstance(payload, dict) and "seq" in payload and prop != str(payload.get("session")):
            errors = errors + [f"user property session={prop} differs from the payload's {payload.get('session')}"]
        problems += [f"{topic} [{name}]: {e}\n    payload: {record['payload']}" for e in errors]
    return checked, problems


def main():
    parser = argparse.ArgumentParser(
        description="Check captured MQTT payloads against docs/asyncapi.yaml",
        usage="%(prog)s --asyncapi FILE (CAPTURE_DIR | --run -- COMMAND [ARG...])",
        epilog="With --run, the command after -- runs with WEDGE_CONTRACT_CAPTURE set to a fresh "
               "directory (the test probe of tests/integration/mqtt records there); it must pass and "
               "capture at least one gateway message.")
    parser.add_argument("--asyncapi", required=True, help="docs/asyncapi.yaml")
    parser.add_argument("capture", nargs="?", help="a WEDGE_CONTRACT_CAPTURE directory")
    argv = sys.argv[1:]
    command = []
    if "--run" in argv:  # everything after it is the test program and its arguments
        at = argv.index("--run")
        argv, command = argv[:at], argv[at + 1:]
        command = command[1:] if command[:1] == ["--"] else command
    args = parser.parse_args(argv)
    contract = Contract(args.asyncapi)
    with tempfile.TemporaryDirectory(prefix="wedge-capture-") as scratch:
        directory = args.capture or scratch
        if command:
            status = subprocess.run(command, env=dict(os.environ, WEDGE_CONTRACT_CAPTURE=directory),
                                    check=False).returncode
            if status != 0:
                print(f"contract: {command[0]} failed (exit {status}); its capture is not checked")
                return 1
        checked, problems = check_capture(contract, read_capture(directory))
    for problem in problems:
        print(problem)
    print(f"contract: {checked} gateway message(s) checked against {contract.path}, {len(problems)} problem(s)")
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
