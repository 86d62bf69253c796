#include "kept_members.hpp"

#include "pmxsnap/util/error.hpp"

#include <fcntl.h>

#include <string>

namespace pmxsnap::restore {

void KeptMembers::begin(const archive::Member& m) {
    // Named by position: member paths are archive input, never a file name.
    pending_ = {m, {}};
    if (m.is_directory)
        return;
    pending_.second = scratch_ / std::to_string(files_++);
    current_ = Fd(::open(pending_.second.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!current_)
        fail_errno(pending_.second.string());
}

void KeptMembers::data(std::string_view chunk) {
    write_all(current_.get(), chunk, pending_.second);
}

void KeptMembers::end(const archive::Member&) {
    current_.close();
    kept_.push_back(std::move(pending_));
}

void KeptMembers::replay(archive::MemberHandler& handler) const {
    for (const auto& [member, file] : kept_) {
        if (!handler.wants(member))
            continue;
        handler.begin(member);
        if (!member.is_directory)
            read_chunks(file, [&](std::string_view chunk) { handler.data(chunk); });
        handler.end(member);
    }
}

} // namespace pmxsnap::restore
