// pmxsnap-churn DB LOG STOPFILE [COUNT]: commits to a pmxcfs db as fast as it can,
// the way pmxcfs does (one transaction per change, __version__ raised,
// checkpoints now and then), until STOPFILE exists (or COUNT commits are done). Every commit writes
// the same value to two files, so a torn copy shows; every committed root version is appended to
// LOG. Test-only.
#include "db_writer.hpp"

#include "pmxsnap/util/error.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::fputs("usage: pmxsnap-churn DB LOG STOPFILE [COUNT]\n", stderr);
        return 2;
    }
    try {
        auto writer = pmxsnap::configdb::Writer::open(argv[1]);
        std::ofstream log(argv[2], std::ios::app);
        long count = argc == 5 ? std::stol(argv[4]) : -1;
        for (long i = 0; i != count && !std::filesystem::exists(argv[3]); ++i) {
            writer.begin();
            auto value = "churn " + std::to_string(i) + "\n";
            writer.write_file("churn-a.cfg", value, 1760000000 + i);
            writer.write_file("nodes/pve1/churn-b.cfg", value, 1760000000 + i);
            writer.commit();
            if (i % 50 == 0)
                writer.checkpoint();
            log << writer.version() << '\n' << std::flush;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pmxsnap-churn: %s\n", e.what());
        return 2;
    }
    return 0;
}
