// cat: one member of an authenticated archive, byte for byte, to a file
// descriptor — only once the safe reader has matched its size and SHA-256
// to the manifest, so nothing unchecked is ever written. Secrets (whole
// secret files, the db copy that holds /etc/pve/priv, files with secret
// values inside) are refused unless shown_secrets. Throws pmxsnap::Error
// (exit 2) for a path that is missing, a directory or a refused secret;
// archive::Rejected (exit 1) for a bad archive.
#pragma once

#include "signed_archive.hpp"

#include <string>

namespace pmxsnap::browse {

enum class ShowSecrets { no, yes };

struct CatResult {
    std::string path;   // as the operator knows it
    std::string member; // in the archive
    std::int64_t size = 0;
};

CatResult cat_member(const SignedArchive& source, const fs::path& identity, const std::string& path,
                     ShowSecrets secrets, int out_fd);

} // namespace pmxsnap::browse
