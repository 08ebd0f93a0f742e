#include "cli.h"
namespace pdctl {
Group numbers_group() {
  return {"numbers", "todo", {}};
}
Group stats_group() {
  return {"stats", "todo", {}};
}
Group dnc_group() {
  return {"dnc", "todo", {}};
}
Group dispositions_group() {
  return {"dispositions", "todo", {}};
}
Group callbacks_group() {
  return {"callbacks", "todo", {}};
}
Group groups_group() {
  return {"groups", "todo", {}};
}
}  // namespace pdctl
