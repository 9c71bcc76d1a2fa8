# config.capnp: workerd serving tests/runtimes/workerd/worker.mjs with the dist/ bundles as its
# modules (the .mjs files unchanged, each .wasm as a compiled-module import). run.mjs starts it
# with --socket-addr http=127.0.0.1:<port>.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .pithWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const pithWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "probe.mjs", esModule = embed "../probe.mjs"),
    (name = "dist/core.mjs", esModule = embed "../../../dist/core.mjs"),
    (name = "dist/layout.mjs", esModule = embed "../../../dist/layout.mjs"),
    (name = "dist/minimal/pith.mjs", esModule = embed "../../../dist/minimal/pith.mjs"),
    (name = "dist/standard/pith.mjs", esModule = embed "../../../dist/standard/pith.mjs"),
    (name = "dist/minimal/pith.wasm", wasm = embed "../../../dist/minimal/pith.wasm"),
    (name = "dist/standard/pith.wasm", wasm = embed "../../../dist/standard/pith.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);
