// AtomicFile: a file that appears under its final name complete or not at all.
// Data goes to a temporary name in the same directory; commit() fsyncs it,
// renames it over the final name and fsyncs the directory. Destroyed without
// commit(), it removes the temporary file. Throws pmxsnap::Error naming the path.
#pragma once

#include "pmxsnap/util/file.hpp"

#include <string_view>

namespace pmxsnap {

class AtomicFile {
  public:
    // mode applies to the final file (0600 for archives, keys and the db).
    AtomicFile(fs::path final_path, unsigned mode);
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();

    void write(std::string_view bytes);
    int fd() const { return fd_.get(); }
    const fs::path& temp_path() const { return temp_path_; }
    const fs::path& final_path() const { return final_path_; }

    // Flushes the data to disk; after it, rename_into_place() cannot lose data.
    void sync();
    // Renames the synced temporary file to its final name (no directory fsync:
    // a caller publishing several files fsyncs the directory once).
    void rename_into_place();
    // sync() + rename_into_place() + fsync of the directory.
    void commit();
    // As commit(), but fails (errno EEXIST, nothing changed) when the final
    // name exists: publishing with link() never replaces a file, even racing.
    void commit_no_replace();

    // The temporary-name prefix every AtomicFile uses, so a later run holding
    // the directory's lock can recognise and remove leftovers of a killed one.
    static constexpr std::string_view temp_marker = ".pmxsnap-tmp.";

  private:
    fs::path final_path_;
    fs::path temp_path_;
    Fd fd_;
    bool renamed_ = false;
};

} // namespace pmxsnap
