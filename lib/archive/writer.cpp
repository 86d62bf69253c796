#include "pmxsnap/archive/writer.hpp"

#include "pmxsnap/archive/tar_header.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/interruption.hpp"

namespace pmxsnap::archive {
namespace {

constexpr std::size_t flush_at = 1 << 18;

TarEntry tar_entry(const Member& member) {
    return {member.path, member.is_directory, member.mode, member.uid,
            member.gid,  member.size,         member.mtime};
}

} // namespace

Writer::Writer(ByteSink sink, const CompressionOptions& options)
    : compressor_(std::move(sink), options) {
    buffer_.reserve(flush_at + tar_record_size);
}

void Writer::emit(std::string_view bytes) {
    written_ += bytes.size();
    if (bytes.size() >= flush_at) {
        flush();
        compressor_.write({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
        return;
    }
    buffer_.append(bytes);
    if (buffer_.size() >= flush_at)
        flush();
}

void Writer::flush() {
    if (buffer_.empty())
        return;
    interruption_point(); // every 256 KiB of tar: compression stops within one
    compressor_.write({reinterpret_cast<const std::uint8_t*>(buffer_.data()), buffer_.size()});
    buffer_.clear();
}

void Writer::require_no_open_member(const char* doing) const {
    if (finished_)
        fail("archive writer: {} after the end of the archive", doing);
    if (member_open_)
        fail("archive writer: {} before the previous member is complete", doing);
}

void Writer::write_header(const Member& member) {
    auto before = buffer_.size();
    append_tar_header(buffer_, tar_entry(member));
    written_ += buffer_.size() - before;
    if (buffer_.size() >= flush_at)
        flush();
}

void Writer::add_directory(const Member& member) {
    require_no_open_member(member.path.c_str());
    write_header(member);
}

void Writer::add_file(const Member& member, std::string_view data) {
    begin_file(member);
    write_data(data);
    end_file();
}

void Writer::begin_file(const Member& member) {
    require_no_open_member(member.path.c_str());
    if (member.size < 0)
        fail("archive writer: {} has a negative size", member.path);
    write_header(member);
    pending_ = member.size;
    pending_padding_ = tar_padding(static_cast<std::uint64_t>(member.size));
    member_open_ = true;
}

void Writer::write_data(std::string_view chunk) {
    if (!member_open_)
        fail("archive writer: data outside a member");
    if (static_cast<std::int64_t>(chunk.size()) > pending_)
        fail("archive writer: more data than the member's size");
    emit(chunk);
    pending_ -= static_cast<std::int64_t>(chunk.size());
}

void Writer::end_file() {
    if (!member_open_)
        fail("archive writer: end of a member that was not begun");
    if (pending_ != 0)
        fail("archive writer: member is {} bytes short", pending_);
    static const std::string zeros(tar_block_size, '\0');
    emit(std::string_view(zeros).substr(0, pending_padding_));
    pending_padding_ = 0;
    member_open_ = false;
}

void Writer::finish() {
    if (finished_)
        return;
    if (pending_ != 0)
        fail("archive writer: member is {} bytes short", pending_);
    require_no_open_member("the end of the archive");
    // Two zero blocks end the archive; the last record is filled up.
    auto end = written_ + 2 * tar_block_size;
    end += (tar_record_size - end % tar_record_size) % tar_record_size;
    std::string trailer(end - written_, '\0');
    emit(trailer);
    flush();
    compressor_.finish();
    finished_ = true;
}

} // namespace pmxsnap::archive
