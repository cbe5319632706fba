"""Interactive tasks (docs/interactive.md): conversations with simulated users.

    from rbh.interactive import Simulator, SimulatorContext, Conversation, Turn, PlannedCondition

`Simulator` is the plugin interface (`register_simulators`); a `Conversation` holds a plan of
`PlannedCondition`s (volunteered, on ask, hidden) and one `Turn` record per assistant turn;
`CatalogSearch` answers the `catalog_search` tool from a dataset.
"""

from rbh.interactive.conversation import HIDDEN, KINDS, ON_ASK, VOLUNTEERED, Conversation, PlannedCondition, Turn, messages_of
from rbh.interactive.simulator import Simulator, SimulatorContext
from rbh.interactive.tools import (
    CATALOG_SEARCH,
    TOOL_SPECS,
    CatalogSearch,
    function_tools,
    parse_tool_calls,
    template_messages,
    tool_messages,
    tool_specs,
)

__all__ = [
    "CATALOG_SEARCH",
    "HIDDEN",
    "KINDS",
    "ON_ASK",
    "TOOL_SPECS",
    "VOLUNTEERED",
    "CatalogSearch",
    "Conversation",
    "PlannedCondition",
    "Simulator",
    "SimulatorContext",
    "Turn",
    "function_tools",
    "messages_of",
    "parse_tool_calls",
    "template_messages",
    "tool_messages",
    "tool_specs",
]
