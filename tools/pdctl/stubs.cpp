#include "cli.h"
namespace pdctl {
Group dnc_group() { return {"dnc", "todo", {}}; }
Group dispositions_group() { return {"dispositions", "todo", {}}; }
Group callbacks_group() { return {"callbacks", "todo", {}}; }
Group groups_group() { return {"groups", "todo", {}}; }
}  // namespace pdctl
