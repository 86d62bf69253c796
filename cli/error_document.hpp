// The document --json prints instead of an error line, so a script reads
// one JSON document from stdout whatever happened (schema pmxsnap.error/1,
// described in pmxsnap(1)).
#pragma once

#include "pmxsnap/util/error.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace pmxsnap::cli {

// message: the one-line error without "pmxsnap: ", "<what>: <why>".
nlohmann::json error_document(const std::string& command, const std::string& message,
                              ExitCode code);

} // namespace pmxsnap::cli
