#include "pmxsnap/archive/writer.hpp"

#include "pmxsnap/util/error.hpp"

#include <archive.h>
#include <archive_entry.h>

namespace pmxsnap::archive {
namespace {} // namespace

// libarchive calls this from C: an exception (disk full in the sink) must not
// cross it, so it is kept and rethrown by the Writer call that triggered it.
la_ssize_t Writer::write_to_compressor(::archive*, void* client, const void* buffer,
                                       size_t length) {
    auto* writer = static_cast<Writer*>(client);
    try {
        writer->compressor_.write({static_cast<const std::uint8_t*>(buffer), length});
    } catch (...) {
        writer->sink_error_ = std::current_exception();
        return -1;
    }
    return static_cast<la_ssize_t>(length);
}

namespace {

const char* owner_name(unsigned id) {
    switch (id) {
    case 0:
        return "root";
    case 33:
        return "www-data";
    default:
        return nullptr;
    }
}

struct EntryDeleter {
    void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

} // namespace

void Writer::TarFree::operator()(::archive* tar) const {
    archive_write_free(tar);
}

Writer::Writer(ByteSink sink, const CompressionOptions& options)
    : compressor_(std::move(sink), options)
    , tar_(archive_write_new(), TarFree{}) {
    if (tar_ == nullptr)
        fail("libarchive: out of memory");
    archive_write_set_format_pax_restricted(tar_.get());
    archive_write_add_filter_none(tar_.get());
    if (archive_write_open2(tar_.get(), this, nullptr, write_to_compressor, nullptr, nullptr) !=
        ARCHIVE_OK)
        fail("libarchive: {}", archive_error_string(tar_.get()));
}

void Writer::fail_with(const std::string& what) {
    if (sink_error_)
        std::rethrow_exception(sink_error_);
    fail("{}: {}", what, archive_error_string(tar_.get()));
}

void Writer::write_header(const Member& member) {
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), member.path.c_str());
    archive_entry_set_filetype(entry.get(), member.is_directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry.get(), member.mode);
    archive_entry_set_uid(entry.get(), member.uid);
    archive_entry_set_gid(entry.get(), member.gid);
    if (const char* name = owner_name(member.uid))
        archive_entry_set_uname(entry.get(), name);
    if (const char* name = owner_name(member.gid))
        archive_entry_set_gname(entry.get(), name);
    archive_entry_set_mtime(entry.get(), member.mtime, 0);
    archive_entry_set_size(entry.get(), member.is_directory ? 0 : member.size);
    if (archive_write_header(tar_.get(), entry.get()) != ARCHIVE_OK)
        fail_with(member.path + ": cannot write archive header");
}

void Writer::add_directory(const Member& member) {
    write_header(member);
}

void Writer::add_file(const Member& member, std::string_view data) {
    begin_file(member);
    write_data(data);
    end_file();
}

void Writer::begin_file(const Member& member) {
    if (pending_ != 0)
        fail("archive writer: previous member not complete");
    write_header(member);
    pending_ = member.size;
}

void Writer::write_data(std::string_view chunk) {
    if (static_cast<std::int64_t>(chunk.size()) > pending_)
        fail("archive writer: more data than the member's size");
    if (archive_write_data(tar_.get(), chunk.data(), chunk.size()) !=
        static_cast<la_ssize_t>(chunk.size()))
        fail_with("archive writer");
    pending_ -= static_cast<std::int64_t>(chunk.size());
}

void Writer::end_file() {
    if (pending_ != 0)
        fail("archive writer: member is {} bytes short", pending_);
}

void Writer::finish() {
    if (finished_)
        return;
    if (archive_write_close(tar_.get()) != ARCHIVE_OK)
        fail_with("archive writer");
    compressor_.finish();
    finished_ = true;
}

} // namespace pmxsnap::archive
