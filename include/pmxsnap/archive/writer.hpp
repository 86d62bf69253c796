// Writer: streams members into a POSIX pax tar compressed with zstd — the
// .pmxsnap format, readable with `zstd -dc | tar -t`. Headers are built only
// from the Member given (fixed owners, given mtimes, no atime/ctime), so the
// same members give the same bytes. Throws pmxsnap::Error.
#pragma once

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/archive/zstd_stream.hpp"

#include <sys/types.h>

#include <exception>
#include <memory>
#include <string_view>

struct archive;

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
    [[noreturn]] void fail_with(const std::string& what);
    static ssize_t write_to_compressor(::archive*, void* client, const void* buffer,
                                       std::size_t length);

    struct TarFree {
        void operator()(::archive* tar) const;
    };

    ZstdCompressor compressor_;
    std::unique_ptr<::archive, TarFree> tar_;
    std::int64_t pending_ = 0;
    bool finished_ = false;
    std::exception_ptr sink_error_;
};

} // namespace pmxsnap::archive
