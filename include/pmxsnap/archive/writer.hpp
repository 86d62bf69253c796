// Writer: streams members into a POSIX pax tar compressed with zstd — the
// .pmxsnap format, readable with `zstd -dc | tar -t`. Headers are built only
// from the Member given (fixed owners, given mtimes, no atime/ctime), so the
// same members give the same bytes. Throws pmxsnap::Error.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/archive/zstd_stream.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace pmxsnap::archive {

class Writer {
  public:
    Writer(ByteSink sink, const CompressionOptions& options);
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    void add_directory(const Member& member);
    void add_file(const Member& member, std::string_view data);
    // For members too large to hold in memory: begin, write member.size
    // bytes in pieces, end.
    void begin_file(const Member& member);
    void write_data(std::string_view chunk);
    void end_file();
    // Writes the tar trailer and the end of the zstd frame.
    void finish();

  private:
    void write_header(const Member& member);
    void require_no_open_member(const char* doing) const;
    void emit(std::string_view bytes);
    void flush();

    ZstdCompressor compressor_;
    // Headers and small members gather here, so zstd gets large pieces.
    std::string buffer_;
    std::uint64_t written_ = 0;
    bool member_open_ = false; // begin_file() without its end_file() yet
    std::int64_t pending_ = 0;
    std::uint64_t pending_padding_ = 0;
    bool finished_ = false;
};

} // namespace pmxsnap::archive
