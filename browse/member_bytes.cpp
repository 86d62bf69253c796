#include "member_bytes.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/operator_path.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/pveconfig/secrets.hpp"
#include "pmxsnap/util/error.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>

namespace pmxsnap::browse {
namespace {

// Members above this are spooled to an unlinked temporary file rather than
// held in memory (the db copy reaches pmxcfs's 128 MiB).
constexpr std::int64_t held_in_memory = 8 << 20;

void write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        auto n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail_errno("standard output");
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

struct FileClose {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

// Keeps the one wanted member until the reader has checked it, then copies
// it out.
class KeepOne : public archive::MemberHandler {
  public:
    KeepOne(const std::string& member, const std::string& shown, ShowSecrets secrets, int out_fd)
        : member_(member)
        , shown_(shown)
        , secrets_(secrets)
        , out_fd_(out_fd) {}
    bool wants(const archive::Member& m) override { return m.path == member_; }
    void begin(const archive::Member& m) override {
        if (m.size > held_in_memory) {
            spool_.reset(std::tmpfile());
            if (!spool_)
                fail_errno("a temporary file for " + m.path);
        }
    }
    void data(std::string_view chunk) override {
        if (!spool_) {
            held_.append(chunk);
            return;
        }
        if (std::fwrite(chunk.data(), 1, chunk.size(), spool_.get()) != chunk.size())
            fail_errno("a temporary file for " + member_);
    }
    void end(const archive::Member&) override {
        if (!spool_) {
            // Secret values inside a readable file (a password in a storage
            // or notification config) make it a secret too.
            if (secrets_ == ShowSecrets::no && pveconfig::mask_secret_values(held_) != held_)
                fail("{}: holds secret values (passwords, tokens or keys); not printed without "
                     "--show-secrets",
                     shown_);
            write_all(out_fd_, held_);
            written_ = true;
            return;
        }
        if (std::fflush(spool_.get()) != 0 || std::fseek(spool_.get(), 0, SEEK_SET) != 0)
            fail_errno("a temporary file for " + member_);
        std::string buffer(1 << 16, '\0');
        while (auto n = std::fread(buffer.data(), 1, buffer.size(), spool_.get()))
            write_all(out_fd_, std::string_view(buffer.data(), n));
        if (std::ferror(spool_.get()))
            fail_errno("a temporary file for " + member_);
        written_ = true;
    }
    bool written() const { return written_; }

  private:
    std::string member_;
    std::string shown_;
    ShowSecrets secrets_;
    int out_fd_;
    std::string held_;
    std::unique_ptr<std::FILE, FileClose> spool_;
    bool written_ = false;
};

// Why this member is not printed without --show-secrets, or "".
std::string secret_reason(const std::string& member) {
    if (pveconfig::is_secret_file(member))
        return "is a secret";
    if (member == archive::db_member)
        return "holds /etc/pve/priv (keys, tokens, passwords)";
    return "";
}

} // namespace

CatResult cat_member(const SignedArchive& source, const fs::path& identity, const std::string& path,
                     ShowSecrets secrets, int out_fd) {
    auto member = archive::member_of(path);
    if (!member || member->empty())
        fail("{}: not a file path in an archive (give it as /etc/pve/..., /etc/corosync/... or "
             "another absolute path)",
             archive::printable(path));
    CatResult result{archive::operator_path(*member).value_or(*member), *member, 0};
    auto shown = archive::printable(result.path);
    if (secrets == ShowSecrets::no)
        if (auto why = secret_reason(*member); !why.empty())
            fail("{}: {}; not printed without --show-secrets", shown, why);

    source.copy->read([&](const fs::path& copy) {
        archive::ArchiveInput input(copy, identity);
        archive::Reader reader(input.source());
        const auto* listed = reader.manifest().find(*member);
        if (!listed)
            fail("{}: not in {} (pmxsnap ls shows what it holds)", shown, source.archive.string());
        if (listed->is_directory)
            fail("{}: a directory in {} (pmxsnap ls {} {} lists it)", shown,
                 source.archive.string(), source.archive.string(), shown);
        result.size = listed->size;

        KeepOne keep(*member, shown, secrets, out_fd);
        reader.read_members(keep);
        if (!keep.written())
            fail("{}: not read from {}", shown, source.archive.string());
    });
    return result;
}

} // namespace pmxsnap::browse
