// The quick record: a signed note beside a node's archives tying a
// QuickState key to the archive that captured that state, so the next
// --if-changed can skip the capture. <node dir>/.pmxsnap-quick is a minisign
// signature by the node's key whose trusted comment is
// "pmxsnap-quick/1 file=<archive> key=<hex>": a planted or edited record does
// not verify and only costs a full capture. Throws pmxsnap::Error on I/O.
#pragma once

#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/util/file.hpp"

#include <string>

namespace pmxsnap::snapshot {

inline constexpr std::string_view quick_record_name = ".pmxsnap-quick";

void write_quick_record(const fs::path& node_directory, const std::string& archive_name,
                        const std::string& key, const crypto::SecretKey& signer);

// True when the record names archive_name and key, signed by own_key.
bool quick_record_matches(const fs::path& node_directory, const std::string& archive_name,
                          const std::string& key, const crypto::PublicKey& own_key);

} // namespace pmxsnap::snapshot
