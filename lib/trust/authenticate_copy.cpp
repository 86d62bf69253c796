#include "pmxsnap/trust/authenticate_copy.hpp"

#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/util/interruption.hpp"

#include <fmt/format.h>

namespace pmxsnap::trust {

repo::IndexCheck authenticate_copy(const PrivateCopy& copy,
                                   const std::vector<crypto::PublicKey>& keys,
                                   std::string_view unchecked) {
    auto archive = copy.original().string();
    auto checked = repo::authenticate_archive(copy.path(), keys);
    if (!checked.ok()) {
        auto bypass =
            unchecked.empty() ? "" : fmt::format(", --no-verify {} it unchecked", unchecked);
        archive::reject("{}: signature: {}; `pmxsnap verify {}` says more{}", archive,
                        copy.as_original(checked.problem), archive, bypass);
    }
    interruption_point("archive-authenticated");
    return std::move(checked.index);
}

} // namespace pmxsnap::trust
