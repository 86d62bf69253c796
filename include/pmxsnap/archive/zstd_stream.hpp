// Streaming zstd over libzstd, both ways, with the settings pmxsnap archives
// use. pmxsnap drives zstd itself instead of libarchive's filter to control
// what matters here: long-distance matching (pve/ repeats db/config.db),
// fixed worker count (same bytes on any machine), a bounded window when
// reading untrusted input, and a count of decompressed bytes.
#pragma once

#include <zstd.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace pmxsnap::archive {

using ByteSink = std::function<void(std::span<const std::uint8_t>)>;

struct CompressionOptions {
    // Level 1, because with long-distance matching on it is both faster and
    // smaller here than zstd's default 3: the 32-node fixture's archive is
    // 2,773,510 B at 1 vs 2,893,871 B at 3 (0.17 vs 0.27 CPU s), the
    // pmxcfs-maximum one 157.9 vs 165.6 MB (2.2 vs 4.5 CPU s); a 3-node one
    // grows 1% (32.5 vs 32.1 KB). Long matching finds the repeats (pve/
    // against the db) that the higher level searched for.
    int level = 1;
    // 2^window_log bytes of history; at most 27 (128 MiB), the largest that
    // stock `zstd -d` accepts without --long, so archives stay readable with
    // it. pmxsnap's own archives use window_log_for (at most 25).
    int window_log = 25;
    // Workers change speed, not bytes, as long as there is at least one.
    // 3 or 4 measured no faster than 2 on two cores (20 runs each).
    int workers = 2;
    // Long-distance matching: what lets pve/ cost little next to the db it
    // repeats. libzstd runs it on one thread even with workers.
    bool long_distance = true;
};

// window_log fitting an expected amount of input, capped at 25: no more
// memory than needed; 23 when the db (db_bytes) is too big for pve/ to reach
// back to it.
int window_log_for(std::uint64_t expected_bytes, std::uint64_t db_bytes = 0);

// What snapshot compresses with: window_log_for's window, and long-distance
// matching only while the db is within pve/'s reach.
CompressionOptions compression_for(std::uint64_t expected_bytes, std::uint64_t db_bytes);

class ZstdCompressor {
  public:
    ZstdCompressor(ByteSink sink, const CompressionOptions& options);
    ZstdCompressor(const ZstdCompressor&) = delete;
    ZstdCompressor& operator=(const ZstdCompressor&) = delete;

    void write(std::span<const std::uint8_t> bytes);
    void finish();

  private:
    void drive(ZSTD_inBuffer& input, ZSTD_EndDirective mode);

    struct Free {
        void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
    };
    std::unique_ptr<ZSTD_CCtx, Free> context_;
    ByteSink sink_;
    std::vector<std::uint8_t> buffer_;
};

// Pull-style decompressor: read() fills the caller's buffer from a source.
// Throws archive::Rejected on a corrupt or truncated stream, or when the
// output exceeds max_output (a decompression bomb).
class ZstdDecompressor {
  public:
    using ByteSource = std::function<std::size_t(std::span<std::uint8_t>)>; // 0 at end
    ZstdDecompressor(ByteSource source, std::uint64_t max_output);
    ZstdDecompressor(const ZstdDecompressor&) = delete;
    ZstdDecompressor& operator=(const ZstdDecompressor&) = delete;

    // Returns the number of bytes written into out; 0 at the end of the stream.
    std::size_t read(std::span<std::uint8_t> out);
    std::uint64_t total_output() const { return total_output_; }
    void set_max_output(std::uint64_t max_output) { max_output_ = max_output; }

  private:
    struct Free {
        void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
    };
    std::unique_ptr<ZSTD_DCtx, Free> context_;
    ByteSource source_;
    std::vector<std::uint8_t> input_;
    ZSTD_inBuffer in_{nullptr, 0, 0};
    std::uint64_t total_output_ = 0;
    std::uint64_t max_output_;
    bool source_done_ = false;
    bool frame_complete_ = true;
};

} // namespace pmxsnap::archive
