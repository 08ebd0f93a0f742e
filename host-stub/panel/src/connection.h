// What the server needs from every live connection to shut it down.
#pragma once

#include <memory>

namespace pd::panel {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  virtual ~Connection() = default;
  // Closes the socket now; pending operations complete with an error later.
  // Never destroys the object synchronously.
  virtual void force_close() = 0;
};

}  // namespace pd::panel
