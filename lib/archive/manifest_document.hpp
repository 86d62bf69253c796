// MANIFEST.json's document (everything but the members) into a Manifest,
// with the checks that name the field. Private to lib/archive.
#pragma once

#include "manifest_fields.hpp"

#include "pmxsnap/archive/manifest.hpp"

namespace pmxsnap::archive::detail {

// json is discarded when the text did not parse; m holds the members read.
Manifest from_document(const Json& json, Manifest m);

} // namespace pmxsnap::archive::detail
