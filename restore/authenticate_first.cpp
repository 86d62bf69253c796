#include "authenticate_first.hpp"

#include "trusted_keys.hpp"

#include "pmxsnap/trust/authenticate_copy.hpp"

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
    trust::authenticate_copy(copy, cli::required_trusted_keys(context.options), unchecked);
}

} // namespace pmxsnap::restore
