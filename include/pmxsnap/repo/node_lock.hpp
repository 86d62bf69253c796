// NodeLock: the one flock per <repo>/<cluster>/<node> directory that
// serialises writers (snapshot, prune) of one node. Waits a bounded time,
// then throws pmxsnap::Error saying who to wait for.
#pragma once

#include "pmxsnap/util/file.hpp"

#include <chrono>

namespace pmxsnap::repo {

class NodeLock {
  public:
    NodeLock(const fs::path& node_directory, std::chrono::milliseconds wait);
    NodeLock(const NodeLock&) = delete;
    NodeLock& operator=(const NodeLock&) = delete;

  private:
    Fd fd_;
};

} // namespace pmxsnap::repo
