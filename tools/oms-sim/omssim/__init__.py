"""oms-sim: the OMS side of the wedge MQTT API (docs/mqtt-api.md, docs/oms-integration.md)."""
