#include "pmxsnap/repo/node_lock.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/interruption.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

namespace pmxsnap::repo {

NodeLock::NodeLock(const fs::path& node_directory, std::chrono::milliseconds wait) {
    auto path = node_directory / ".lock";
    fd_ = Fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd_)
        fail_errno(path.string());
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR)
            fail_errno(path.string());
        if (std::chrono::steady_clock::now() >= deadline)
            fail("{}: still locked after {} s by another pmxsnap run for this node; try again "
                 "later",
                 path.string(), std::chrono::duration_cast<std::chrono::seconds>(wait).count());
        interruption_point();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

} // namespace pmxsnap::repo
