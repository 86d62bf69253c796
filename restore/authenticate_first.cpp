#include "authenticate_first.hpp"

#include "trusted_keys.hpp"

#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/repo/authenticate.hpp"
#include "pmxsnap/util/interruption.hpp"

namespace pmxsnap::restore {

void authenticate_first(cli::Context& context, bool no_verify, const trust::PrivateCopy& copy,
                        std::string_view unchecked) {
    const auto& archive = copy.original();
    if (no_verify) {
        if (context.out.json_mode() || context.options.quiet)
            context.out.warn("--no-verify: the signature of {} was not checked", archive.string());
        else
            context.out.say("UNVERIFIED (--no-verify): the signature of {} was not checked; what "
                            "it holds may not be what was captured",
                            archive.string());
        return;
    }
    auto keys = cli::required_trusted_keys(context.options);
    auto checked = repo::authenticate_archive(copy.path(), keys);
    if (!checked.ok())
        archive::reject("{}: signature: {}; `pmxsnap verify {}` says more, --no-verify {} it "
                        "unchecked",
                        archive.string(), copy.as_original(checked.problem), archive.string(),
                        unchecked);
    // A test stops here to rewrite the archive between the check and the read.
    interruption_point("restore-authenticated");
}

} // namespace pmxsnap::restore
