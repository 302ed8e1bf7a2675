// cli: the command line. A table of thin subcommands (build, analyse,
// check, version) that configure the pipeline and map results to exit
// codes: 0 success, 1 input or build error, 2 usage error.
#pragma once

namespace dossier::cli {

int Run(int argc, char** argv);

}  // namespace dossier::cli
