// corosync.conf as an attacker or a failing disk writes it: the parser, the
// semantic checks and the truncation evidence must never crash or hang.
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/corosync/semantic_checks.hpp"
#include "pmxsnap/corosync/truncation.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = pmxsnap::corosync::parse_config(text);
    if (parsed.ok())
        (void)pmxsnap::corosync::check_semantics(*parsed.config);
    (void)pmxsnap::corosync::truncation_evidence(text);
    auto half = text.substr(0, size / 2);
    (void)pmxsnap::corosync::truncation_evidence(half, text, "other");
    return 0;
}
