#include "pmxsnap/archive/zstd_stream.hpp"

#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/util/interruption.hpp"

#include <algorithm>
#include <bit>

namespace pmxsnap::archive {
namespace {

// Readers accept 2^27, the most stock `zstd -d` takes without --long (and
// what archives written before 2026-11-25 may use).
constexpr int max_window_log = 27;
// Writers use at most 2^25. On the benchmark workloads a larger window
// bought nothing: at level 3 (before level 1 was chosen), on a
// pmxcfs-maximum db the archive was 165,556,443 B at
// 2^25 and 165,567,137 B at 2^27 (the db is too big for the tree to reach
// back to it either way), and on a 32-node one 2^25 still spans db and
// tree. It costs memory on both sides, though: writing that max archive
// peaked at 54 MB instead of 158 MB, and reading it needs a 32 MiB window
// instead of 128.
constexpr int max_write_window_log = 25;
constexpr int far_db_window_log = 22;
constexpr int min_window_log = 20;
constexpr int job_bytes = 2 << 20;

void check(std::size_t rc, const char* doing) {
    if (ZSTD_isError(rc))
        fail("zstd: {}: {}", doing, ZSTD_getErrorName(rc));
}

} // namespace

int window_log_for(std::uint64_t expected_bytes, std::uint64_t db_bytes) {
    int log = expected_bytes <= 1 ? min_window_log : std::bit_width(expected_bytes - 1);
    log = std::clamp(log, min_window_log, max_write_window_log);
    // A db bigger than the largest window is out of pve/'s reach anyway;
    // the window then only costs memory and time. On the pmxcfs-maximum
    // fixture 2^23 gave 157,888,498 B against 157,897,009 B at 2^25, in
    // 1.13 s instead of 1.56 s and 25 MB instead of 52 MB. Later (with long
    // matching off there, and the archive's layout since) 2^22 gave
    // 158,018,557 B against 158,016,540 B at 2^23 in the same time, and every
    // reader of the archive (verify, diff, restore) holds 4 MiB less.
    if (db_bytes > (std::uint64_t{1} << max_write_window_log))
        log = std::min(log, far_db_window_log);
    return log;
}

CompressionOptions compression_for(std::uint64_t expected_bytes, std::uint64_t db_bytes) {
    CompressionOptions options;
    options.window_log = window_log_for(expected_bytes, db_bytes);
    // Out of reach, long matching only costs time: on the pmxcfs-maximum
    // fixture's 512 MB of tar, 1.13 s with it and 0.82 s without, for
    // 157,865,047 B against 158,030,103 B (zstd 1.5.4, -T2).
    options.long_distance = db_bytes <= (std::uint64_t{1} << max_write_window_log);
    return options;
}

ZstdCompressor::ZstdCompressor(ByteSink sink, const CompressionOptions& options)
    : context_(ZSTD_createCCtx())
    , sink_(std::move(sink))
    , buffer_(ZSTD_CStreamOutSize()) {
    if (context_ == nullptr)
        fail("zstd: out of memory");
    check(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_compressionLevel, options.level), "level");
    check(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_windowLog, options.window_log), "window");
    if (options.long_distance) {
        check(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_enableLongDistanceMatching, 1),
              "long mode");
        // pve/ repeats whole files of the db, hundreds of bytes long: only
        // long matches are worth finding, and fewer positions need hashing.
        // On the 32-node fixture's 50 MB of tar (-1 --long=25 -T2, zstd
        // 1.5.4, best of 5): libzstd's defaults (64, 7) took 147 ms for
        // 2,773,503 B; (512, 8) takes 76-91 ms for 2,589,987 B. Shorter
        // minimum matches also compress worse: they displace better matches
        // of the regular match finder.
        check(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_ldmMinMatch, 512), "long mode");
        check(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_ldmHashRateLog, 8), "long mode");
    }
    check(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_checksumFlag, 1), "checksum");
    // Without thread support in libzstd this fails; the output is then made
    // by one thread and still valid, only slower.
    bool threaded =
        options.workers > 0 &&
        !ZSTD_isError(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_nbWorkers, options.workers));
    if (threaded)
        // Without long matching libzstd sizes jobs from the window (32 MB
        // for a 2^23 one, as measured then): the pmxcfs-maximum archive took 208 MB to write
        // with the zstd CLI, 20 MB with 2 MiB jobs, and was faster (857 vs
        // 880 ms). With long matching the 32-node archive is the same bytes
        // either way.
        check(ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_jobSize, job_bytes), "job size");
}

void ZstdCompressor::drive(ZSTD_inBuffer& input, ZSTD_EndDirective mode) {
    for (;;) {
        ZSTD_outBuffer output{buffer_.data(), buffer_.size(), 0};
        std::size_t remaining = ZSTD_compressStream2(context_.get(), &output, &input, mode);
        check(remaining, "compress");
        if (output.pos > 0)
            sink_({buffer_.data(), output.pos});
        bool done = mode == ZSTD_e_continue ? input.pos == input.size : remaining == 0;
        if (done)
            return;
    }
}

void ZstdCompressor::write(std::span<const std::uint8_t> bytes) {
    ZSTD_inBuffer input{bytes.data(), bytes.size(), 0};
    drive(input, ZSTD_e_continue);
}

void ZstdCompressor::finish() {
    ZSTD_inBuffer input{nullptr, 0, 0};
    drive(input, ZSTD_e_end);
}

ZstdDecompressor::ZstdDecompressor(ByteSource source, std::uint64_t max_output)
    : context_(ZSTD_createDCtx())
    , source_(std::move(source))
    , input_(ZSTD_DStreamInSize())
    , max_output_(max_output) {
    if (context_ == nullptr)
        fail("zstd: out of memory");
    // Bounds the memory an untrusted frame can make us allocate.
    check(ZSTD_DCtx_setParameter(context_.get(), ZSTD_d_windowLogMax, max_window_log), "window");
}

std::size_t ZstdDecompressor::read(std::span<std::uint8_t> out) {
    ZSTD_outBuffer output{out.data(), out.size(), 0};
    while (output.pos == 0) {
        interruption_point();
        if (in_.pos == in_.size) {
            if (source_done_)
                break;
            std::size_t got = source_(input_);
            if (got == 0) {
                source_done_ = true;
                if (!frame_complete_)
                    reject("truncated zstd stream (the archive file is cut short)");
                break;
            }
            in_ = {input_.data(), got, 0};
        }
        std::size_t rc = ZSTD_decompressStream(context_.get(), &output, &in_);
        if (ZSTD_isError(rc))
            reject("corrupt zstd stream: {}", ZSTD_getErrorName(rc));
        frame_complete_ = rc == 0;
    }
    total_output_ += output.pos;
    if (total_output_ > max_output_)
        reject("decompresses to more than {} bytes; refusing (raise the limit only for a "
               "trusted archive)",
               max_output_);
    return output.pos;
}

} // namespace pmxsnap::archive
