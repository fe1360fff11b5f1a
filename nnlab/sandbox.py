"""Run every grading kernel inside a bubblewrap sandbox (instructor side only).

``SandboxedKernelManager`` is a ``jupyter_client.AsyncKernelManager`` whose
kernels start inside `bubblewrap <https://github.com/containers/bubblewrap>`_:

* own PID, network, IPC, UTS, cgroup and user namespaces (no grader process is
  visible or signallable, no network at all, not even loopback);
* the kernel runs as uid/gid 65534 (``nobody``) *inside and outside*: when the
  grader is root, a private mount namespace made by ``unshare`` first binds
  the directories ``nobody`` could not reach (e.g. a pyenv interpreter under
  ``/root``), then ``setpriv`` drops to 65534 and ``bwrap`` runs unprivileged.
  (A bwrap started by root maps the sandbox user to host root: file
  permissions would then not apply and ``RLIMIT_NPROC`` is never enforced.)
* read-only: ``/usr /lib /lib64 /bin /etc``, the base interpreter
  (``sys.base_prefix``), the virtualenv (``sys.prefix``) and the checking
  library's own directory (``autograder/``), nothing else of the checkout;
* writable: one private run directory made per kernel (connection file, IPC
  sockets, ``HOME``, the working directory) and the size-capped private,
  RAM-backed ``/tmp`` and ``/dev/shm`` (``/dev`` itself is read-only); the
  files of the requested ``cwd`` are *copied* (not bound) into the working
  directory, notebooks and gradebooks excepted;
* hard resource limits (soft = hard, so the kernel cannot raise them):
  address space, tasks, file size, CPU seconds, open files, no core dumps;
* a wall-clock kill from outside (``wall_clock_limit`` / ``kill_after``), and a
  watchdog that kills it when its run directory outgrows ``disk_quota``;
* every process of the sandbox dies with it: killing the sandbox's PID 1
  ends its PID namespace, ``--die-with-parent`` ties it to the grader, and
  the manager finally kills whatever still runs in that PID namespace.

Plain ``nbgrader autograde``/``validate`` use it after :func:`configure`.
Without bubblewrap, starting a kernel raises :class:`SandboxUnavailable`
unless running unsafely was asked for (``unsafe=True`` or ``NNLAB_UNSAFE=1``).
"""
import fnmatch
import importlib.util
import json
import logging
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path

from jupyter_client import AsyncKernelManager
from traitlets import Bool, Float, Integer, List, Tuple, Unicode

log = logging.getLogger(__name__)

GiB = 1 << 30
MiB = 1 << 20

# Limits (soft = hard).  Measured: a kernel that has imported NumPy and
# matplotlib has 11 threads (zmq, heartbeat, control, iopub, ...) plus
# bwrap's init = 12 tasks, and ~0.8 GiB of address space.
DEFAULT_ADDRESS_SPACE = 4 * GiB  # a runaway allocation fails with MemoryError
DEFAULT_TASKS = 64               # processes + threads: ~5x a kernel's 12; stops fork bombs
DEFAULT_FILE_SIZE = 64 * MiB     # largest single file the kernel may write
DEFAULT_CPU_SECONDS = 600        # far above a whole lesson (< 20 s); SIGKILL at the limit
DEFAULT_OPEN_FILES = 1024
DEFAULT_TMP_SIZE = 128 * MiB     # the private /tmp is RAM-backed: cap it
# /dev/shm is RAM-backed too; it only has to hold POSIX semaphores (multiprocessing
# locks: one 32-byte sem.* file each) and small shared-memory blocks.
DEFAULT_SHM_SIZE = 16 * MiB
DEFAULT_WALL_CLOCK = 1800.0      # seconds from launch to a kill from outside; 0 = none
DEFAULT_DISK_QUOTA = 512 * MiB   # the run directory lives on the host's disk
DEFAULT_DISK_CHECK_S = 1.0       # how often the watchdog measures it
DEFAULT_DISK_MAX_ENTRIES = 20000
DEFAULT_COPY_MAX_BYTES = 256 * MiB
DEFAULT_COPY_MAX_FILES = 1000

SANDBOX_UID = 65534  # nobody
INSTALL_HINT = ("install it with `apt-get install bubblewrap` (Debian/Ubuntu; `dnf install bubblewrap` "
                "on Fedora), or grade unsafely with NNLAB_UNSAFE=1 / `--unsafe` (student code then runs "
                "with your own permissions and can read the answer key and rewrite grades)")
# A folder holding any of these is a course checkout, never a submission's folder.
COURSE_ROOT_MARKERS = ("course_config.py", "nbgrader_config.py", ".git", "solutions")
SYSTEM_RO = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc")

# The root-only first stage: in a private mount namespace (made by `unshare`),
# bind each source nobody cannot reach onto a reachable staging directory,
# then become nobody and exec bwrap.  Arguments: N, N (source, stage) pairs, bwrap argv.
_STAGE_SCRIPT = r'''
n=$1; shift
while [ "$n" -gt 0 ]; do mount --bind "$1" "$2" || exit 125; shift 2; n=$((n-1)); done
exec setpriv --reuid="$SBX_UID" --regid="$SBX_UID" --clear-groups -- "$@"
'''


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create a sandbox on this machine."""


class SandboxError(RuntimeError):
    """The sandbox could not be prepared for this kernel (e.g. refused working directory)."""


def checking_library_dir():
    """Directory of the ``autograder`` package (the only project code a kernel may import)."""
    spec = importlib.util.find_spec("autograder")
    if spec is None or not spec.submodule_search_locations:
        raise SandboxError("the checking library `autograder` is not installed in this interpreter")
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def unsafe_from_env():
    return os.environ.get("NNLAB_UNSAFE", "").strip().lower() not in ("", "0", "false", "no")


def _reachable_by_others(path):
    """True if a user owning nothing (uid 65534) can traverse to and read ``path``."""
    p = Path(path).resolve()
    for d in [p, *p.parents]:
        try:
            st = os.stat(d)
        except OSError:
            return False
        need = stat.S_IXOTH | (stat.S_IROTH if d == p else 0)
        if st.st_mode & need != need and st.st_uid != SANDBOX_UID:
            return False
    return True


_probe_cache = {}


RUN_DIR_MARK = "/nnlab-sandbox-"  # in every sandbox process's command line (its run directory)


def _ppid_and_cmdline(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        stat_line = f.read()
    ppid = int(stat_line[stat_line.rindex(b")") + 2:].split()[1])  # the name may hold spaces and ')'
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return ppid, f.read().replace(b"\0", b" ").decode("utf-8", "replace")


def sandbox_processes():
    """``[(pid, ppid, command line)]`` of every sandbox process on this host (any grader's)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            ppid, cmdline = _ppid_and_cmdline(entry.name)
        except (OSError, ValueError, IndexError):
            continue
        if RUN_DIR_MARK in cmdline:
            found.append((int(entry.name), ppid, cmdline))
    return found


def reap_orphans():
    """SIGKILL sandboxes whose grader is gone; return how many were killed.

    A sandbox's outermost process is a child of the grader that started it.  If
    the grader is killed outright (SIGKILL of a worker, a cluster torn down),
    ``--die-with-parent`` normally takes the sandbox with it; whatever survived
    is reparented to PID 1 and is an orphan: no live grader will ever tear it
    down.  Killing it (the init of its PID namespace, or its launcher) ends
    every process inside.  Sandboxes of live graders are never touched.
    """
    try:
        init = _ppid_and_cmdline(1)[1]
    except (OSError, ValueError, IndexError):
        init = ""
    if "python" in init or "nbgrader" in init or "nnlab" in init:
        return 0  # a grader running as PID 1 (a container): its sandboxes are its children, not orphans
    killed = 0
    for pid, ppid, _ in sandbox_processes():
        if ppid == 1:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
    return killed


class SandboxedKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernels run inside bubblewrap (see the module docstring)."""

    unsafe = Bool(False, config=True, help="Without bubblewrap, start an unsandboxed kernel (with a "
                  "loud warning) instead of refusing. NNLAB_UNSAFE=1 does the same.")
    bwrap_path = Unicode("bwrap", config=True, help="bubblewrap executable (name on PATH or absolute path).")
    address_space_limit = Integer(DEFAULT_ADDRESS_SPACE, config=True, help="RLIMIT_AS in bytes.")
    task_limit = Integer(DEFAULT_TASKS, config=True, help="RLIMIT_NPROC: processes + threads in the sandbox.")
    file_size_limit = Integer(DEFAULT_FILE_SIZE, config=True, help="RLIMIT_FSIZE in bytes.")
    cpu_limit = Integer(DEFAULT_CPU_SECONDS, config=True, help="RLIMIT_CPU in seconds (per process).")
    open_files_limit = Integer(DEFAULT_OPEN_FILES, config=True, help="RLIMIT_NOFILE.")
    tmp_size = Integer(DEFAULT_TMP_SIZE, config=True, help="Size of the private /tmp (bytes).")
    shm_size = Integer(DEFAULT_SHM_SIZE, config=True, help="Size of the private /dev/shm (bytes).")
    wall_clock_limit = Float(DEFAULT_WALL_CLOCK, config=True,
                             help="Seconds after launch at which the whole sandbox is killed; 0 = never.")
    copy_exclude = List(Unicode(), ["*.ipynb", ".ipynb_checkpoints", "gradebook.db*", "*.sqlite*",
                                    "__pycache__", "nbgrader_config.py", "course_config.py"], config=True,
                        help="Name patterns not copied from the working directory into the sandbox.")
    disk_quota = Integer(DEFAULT_DISK_QUOTA, config=True,
                         help="Bytes (or more than DEFAULT_DISK_MAX_ENTRIES files) the run directory may hold; "
                              "a watchdog kills the sandbox above it. 0 = no watchdog.")
    copy_max_bytes = Integer(DEFAULT_COPY_MAX_BYTES, config=True)
    copy_max_files = Integer(DEFAULT_COPY_MAX_FILES, config=True)
    extra_binds = List(Tuple(Unicode(), Unicode(), Bool()), [], config=True,
                       help="Extra (host path, sandbox path, writable) binds; for tests only.")

    # state of the current sandbox
    sandboxed = Bool(False, help="Whether the running kernel is sandboxed.")
    wall_clock_exceeded = Bool(False)
    disk_quota_exceeded = Bool(False)
    run_dir = Unicode("", help="Host path of the private run directory (also its path inside).")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._base = None        # temp dir holding run/ and stage/
        self._pidns_fd = None    # keeps the sandbox's PID namespace (and its inode) alive
        self._pidns = None       # "pid:[inode]"
        self._timer = None
        self._watchdog_stop = None
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- spec
    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        # SIGINT from outside would reach bwrap, not the kernel (own session
        # and PID namespace): interrupt through the control channel instead.
        if spec is not None:
            spec.interrupt_mode = "message"
        return spec

    # ------------------------------------------------------------- startup
    def _check_bwrap(self):
        exe = shutil.which(self.bwrap_path)
        if exe is None:
            raise SandboxUnavailable(f"bubblewrap (`{self.bwrap_path}`) is not installed: {INSTALL_HINT}")
        as_root = os.geteuid() == 0
        if as_root:
            for tool in ("unshare", "setpriv", "mount", "prlimit"):
                if shutil.which(tool) is None:
                    raise SandboxUnavailable(f"`{tool}` (util-linux) is missing: apt-get install util-linux")
        key = (exe, as_root)
        if key not in _probe_cache:
            argv = [exe, "--unshare-all", "--unshare-user", "--ro-bind", "/", "/", "--", "true"]
            kw = {}
            if as_root:
                argv = ["setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_UID}", "--clear-groups", "--"] + argv
                kw["cwd"] = "/"
            r = subprocess.run(argv, capture_output=True, text=True, timeout=30, **kw)
            _probe_cache[key] = "" if r.returncode == 0 else (r.stderr.strip() or f"exit {r.returncode}")
        if _probe_cache[key]:
            raise SandboxUnavailable(
                f"bubblewrap cannot create a sandbox here ({_probe_cache[key]}); unprivileged user "
                "namespaces must be allowed (sysctl user.max_user_namespaces > 0, "
                "kernel.unprivileged_userns_clone=1 where it exists, and on Ubuntu >= 23.10 "
                f"kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap); "
                f"otherwise {INSTALL_HINT}")
        return exe

    async def _async_pre_start_kernel(self, **kw):
        self.wall_clock_exceeded = self.disk_quota_exceeded = False
        reap_orphans()  # a killed grader's leftovers must not pile up on a long-lived worker
        try:
            self._bwrap = self._check_bwrap()
        except SandboxUnavailable as exc:
            if not (self.unsafe or unsafe_from_env()):
                raise
            msg = (f"!!! UNSAFE: {exc}. Starting the kernel WITHOUT a sandbox because unsafe mode was "
                   "asked for: student code runs with your permissions, can read solutions/ and "
                   "rewrite grades. Never grade real submissions like this. !!!")
            self.log.warning(msg)
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
            self.sandboxed = False
            return await super()._async_pre_start_kernel(**kw)
        self.sandboxed = True
        cwd = kw.pop("cwd", None) or os.getcwd()
        if self._base is None:  # a restart keeps the run directory
            self._prepare_run_dir(Path(cwd))
        run = Path(self.run_dir)
        self.transport = "ipc"
        self.cache_ports = False
        self.ip = str(run / "kernel")  # sockets: <run>/kernel-<n>
        self.connection_file = str(run / "connection.json")
        kw["cwd"] = str(run)  # cwd of the launcher chain (reachable by nobody)
        kw["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        return await super()._async_pre_start_kernel(**kw)

    def _prepare_run_dir(self, src):
        src = src.resolve()
        hits = [m for m in COURSE_ROOT_MARKERS if (src / m).exists()]
        if hits:
            raise SandboxError(f"refusing to copy {src} into a sandbox: it looks like a course checkout "
                               f"(has {hits}); run the notebook from its own folder")
        base = Path(tempfile.mkdtemp(prefix="nnlab-sandbox-"))
        try:
            os.chmod(base, 0o711)  # nobody may pass through to run/, not list stage/
            run = base / "run"
            for d in (run, run / "home", run / "work"):
                d.mkdir()
            self._copy_inputs(src, run / "work")
            self._seed_matplotlib_cache(run / "home" / ".config" / "matplotlib")
            if os.geteuid() == 0:
                for dirpath, dirnames, filenames in os.walk(run):
                    os.chown(dirpath, SANDBOX_UID, SANDBOX_UID)
                    for f in filenames:
                        os.chown(os.path.join(dirpath, f), SANDBOX_UID, SANDBOX_UID)
            (base / "stage").mkdir()
        except BaseException:
            shutil.rmtree(base, ignore_errors=True)
            raise
        self._base = base
        self.run_dir = str(run)

    def _copy_inputs(self, src, dest):
        """Copy the regular files under ``src`` (no symlinks, no notebooks) into ``dest``."""
        total = count = 0
        for dirpath, dirnames, filenames in os.walk(src):
            rel = Path(dirpath).relative_to(src)
            dirnames[:] = sorted(d for d in dirnames
                                 if not os.path.islink(os.path.join(dirpath, d))
                                 and not any(fnmatch.fnmatch(d, pat) for pat in self.copy_exclude))
            (dest / rel).mkdir(parents=True, exist_ok=True)
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                st = os.lstat(path)
                if not stat.S_ISREG(st.st_mode) or any(fnmatch.fnmatch(name, p) for p in self.copy_exclude):
                    continue
                total += st.st_size
                count += 1
                if total > self.copy_max_bytes or count > self.copy_max_files:
                    raise SandboxError(f"the folder {src} holds more than {self.copy_max_files} files or "
                                       f"{self.copy_max_bytes} bytes; refusing to copy it into the sandbox")
                shutil.copyfile(path, dest / rel / name, follow_symlinks=False)

    @staticmethod
    def _seed_matplotlib_cache(dest):
        """Copy the host's matplotlib font list so each kernel does not rebuild it (~1 s)."""
        dest.mkdir(parents=True)
        cands = [os.environ.get("MPLCONFIGDIR"),
                 os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")]
        for d in filter(None, cands):
            for f in sorted(Path(d).glob("fontlist-v*.json")) if os.path.isdir(d) else []:
                shutil.copyfile(f, dest / f.name)

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        if self.sandboxed and os.geteuid() == 0:
            os.chown(self.connection_file, SANDBOX_UID, SANDBOX_UID)

    def _kernel_env(self, run):
        env = {
            "PATH": f"{sys.prefix}/bin:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(run / "home"),
            "MPLCONFIGDIR": str(run / "home" / ".config" / "matplotlib"),
            "MPLBACKEND": "Agg",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            "LANG": "C.UTF-8",
            "TMPDIR": "/tmp",
            # its parent is bwrap's init, PID 1: ipykernel then neither polls it nor
            # prints its "connect another client" banner to the grader's terminal
            "JPY_PARENT_PID": "1",
        }
        for name in ("NBGRADER_EXECUTION", "NBGRADER_VALIDATING"):
            if name in os.environ:
                env[name] = os.environ[name]
        return env

    def sandbox_argv(self, kernel_cmd, info_fd=None):
        """The full argv: [root stage ...] bwrap ... -- prlimit ... -- <kernel_cmd>."""
        run = Path(self.run_dir)
        as_root = os.geteuid() == 0
        stage_pairs = []  # (host source, staging dir) for sources nobody cannot reach

        def source(path):
            if not as_root or _reachable_by_others(path):
                return str(path)
            stage = self._base / "stage" / str(len(stage_pairs))
            stage.mkdir(exist_ok=True)
            stage_pairs.append((str(path), str(stage)))
            return str(stage)

        b = [self._bwrap, "--unshare-all", "--unshare-user", "--disable-userns",
             "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandbox",
             "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"]
        for k, v in self._kernel_env(run).items():
            b += ["--setenv", k, v]
        for d in SYSTEM_RO:
            b += ["--ro-bind-try", d, d]
        b += ["--proc", "/proc", "--dev", "/dev"]
        # bwrap's /dev is an uncapped tmpfs and /dev/shm a plain folder in it: the kernel
        # could fill the grader's RAM there.  Mounts apply in order: first a size-capped
        # /dev/shm (its mount point made while /dev is still writable), then /dev
        # read-only; the remount is not recursive, so /dev/shm, /dev/pts and the
        # device binds (/dev/null, /dev/urandom, ...) keep their own flags.
        b += ["--perms", "1777", "--size", str(self.shm_size), "--tmpfs", "/dev/shm", "--remount-ro", "/dev"]
        # before any bind under /tmp, or the tmpfs would hide it
        b += ["--perms", "1777", "--size", str(self.tmp_size), "--tmpfs", "/tmp"]
        ro = []
        for p in (sys.base_prefix, sys.prefix):
            ro += [Path(p).resolve(), Path(os.path.abspath(p))]
        ro.append(checking_library_dir())
        seen = set()
        for p in ro:
            if str(p) in seen or any(str(p) == d or str(p).startswith(d + "/") for d in SYSTEM_RO):
                continue
            seen.add(str(p))
            b += ["--ro-bind", source(p.resolve()), str(p)]
        for host, inside, writable in self.extra_binds:
            b += ["--bind" if writable else "--ro-bind", source(Path(host).resolve()), inside]
        b += ["--bind", str(run), str(run), "--chdir", str(run / "work")]
        # the sandbox's own root (a tmpfs holding the mount points) read-only too:
        # writable are only the run directory and the size-capped /tmp and /dev/shm
        b += ["--remount-ro", "/"]
        if info_fd is not None:
            b += ["--info-fd", str(info_fd)]
        limits = [f"--as={self.address_space_limit}", f"--nproc={self.task_limit}",
                  f"--fsize={self.file_size_limit}", f"--cpu={self.cpu_limit}",
                  f"--nofile={self.open_files_limit}", "--core=0"]
        # prlimit --x=N sets soft and hard to N: the kernel can lower, never raise them
        b += ["--", shutil.which("prlimit") or "prlimit"] + limits + ["--"] + list(kernel_cmd)
        if not as_root:
            return b
        pairs = [x for pair in stage_pairs for x in pair]
        return (["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", _STAGE_SCRIPT,
                 "nnlab-sandbox", str(len(stage_pairs))] + pairs + b)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if not self.sandboxed:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        r, w = os.pipe()
        try:
            argv = self.sandbox_argv(kernel_cmd, info_fd=w)
            kw["pass_fds"] = (w,)
            if os.geteuid() == 0:
                kw["env"] = dict(kw.get("env") or {}, SBX_UID=str(SANDBOX_UID))
            self.log.debug("sandbox argv: %s", argv)
            await super()._async_launch_kernel(argv, **kw)
        finally:
            os.close(w)
        try:
            self._read_info(r)
        finally:
            os.close(r)
        if self.wall_clock_limit > 0:
            self.kill_after(self.wall_clock_limit)
        if self.disk_quota > 0:
            self._watchdog_stop = threading.Event()
            threading.Thread(target=self._watch_disk, args=(self._watchdog_stop,), daemon=True,
                             name=f"nnlab-sandbox-disk-{self.kernel_id}").start()

    def _read_info(self, fd, timeout=30.0):
        """Read bwrap's --info-fd JSON; hold the sandbox's PID namespace open."""
        data = b""
        while True:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                raise SandboxError("bubblewrap did not report its sandbox in time")
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
        if not data:
            raise SandboxError("bubblewrap exited before creating the sandbox (see the log above)")
        info = json.loads(data)
        child = int(info["child-pid"])
        try:
            self._pidns_fd = os.open(f"/proc/{child}/ns/pid", os.O_RDONLY)
            self._pidns = os.readlink(f"/proc/self/fd/{self._pidns_fd}")
        except OSError:  # already gone: nothing can survive in it
            self._pidns_fd = self._pidns = None

    # ------------------------------------------------------------ teardown
    def sandbox_pids(self):
        """Host PIDs of every process still in this kernel's PID namespace."""
        if self._pidns is None:
            return []
        pids = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    if os.readlink(f"/proc/{entry.name}/ns/pid") == self._pidns:
                        pids.append(int(entry.name))
                except OSError:
                    pass
        return pids

    def kill_sandbox(self):
        """SIGKILL the sandbox: its launcher's process group and everything in its PID namespace."""
        with self._lock:
            prov = self.provisioner
            pgid = getattr(prov, "pgid", None)
            if pgid:
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except OSError:
                    pass
            for pid in self.sandbox_pids():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    def kill_after(self, seconds):
        """Kill the whole sandbox ``seconds`` from now (replaces an earlier deadline)."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(seconds, self._wall_clock_expired)
        self._timer.daemon = True
        self._timer.start()

    def run_dir_usage(self, max_entries=DEFAULT_DISK_MAX_ENTRIES):
        """(bytes allocated, entries) under the run directory, counting stops past ``max_entries``."""
        used = entries = 0
        stack = [self.run_dir]
        while stack and entries <= max_entries:
            try:
                with os.scandir(stack.pop()) as it:
                    for e in it:
                        entries += 1
                        st = e.stat(follow_symlinks=False)
                        used += st.st_blocks * 512
                        if e.is_dir(follow_symlinks=False):
                            stack.append(e.path)
            except OSError:
                pass
        return used, entries

    def _watch_disk(self, stop):
        # RLIMIT_FSIZE caps one file; this caps the run directory (its only writable host folder).
        while not stop.wait(DEFAULT_DISK_CHECK_S):
            used, entries = self.run_dir_usage()
            if used > self.disk_quota or entries > DEFAULT_DISK_MAX_ENTRIES:
                self.disk_quota_exceeded = True
                self.log.warning("kernel %s filled its run directory (%d bytes, %d entries): killing its "
                                 "sandbox", self.kernel_id, used, entries)
                self.kill_sandbox()
                return

    def _wall_clock_expired(self):
        self.wall_clock_exceeded = True
        self.log.warning("kernel %s exceeded its wall-clock limit: killing its sandbox", self.kernel_id)
        self.kill_sandbox()

    async def _async_kill_kernel(self, restart=False):
        await super()._async_kill_kernel(restart=restart)
        if self.sandboxed:
            self.kill_sandbox()

    async def _async_cleanup_resources(self, restart=False):
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            if self.sandboxed:
                self._teardown(restart)

    # AsyncKernelManager's public names alias KernelManager's functions, not
    # whatever a subclass overrides: point them at the overrides.
    pre_start_kernel = _async_pre_start_kernel
    _launch_kernel = _async_launch_kernel
    _kill_kernel = _async_kill_kernel
    cleanup_resources = _async_cleanup_resources

    def _teardown(self, restart=False):
        """Kill what is left of the sandbox; remove its run directory unless restarting."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._watchdog_stop is not None:
            self._watchdog_stop.set()
            self._watchdog_stop = None
        self.kill_sandbox()
        if self._pidns_fd is not None:
            os.close(self._pidns_fd)
            self._pidns_fd = self._pidns = None
        if not restart and self._base is not None:
            shutil.rmtree(self._base, ignore_errors=True)
            self._base = None

    def __del__(self):
        if getattr(self, "_base", None) is not None:
            self._teardown()


def configure(c, unsafe=False):
    """Make every nbgrader kernel (autograde, validate, ...) start in the sandbox.

    nbgrader 0.9's ``Execute.__init__`` passes ``kernel_manager_class=AsyncKernelManager``
    as a keyword argument, which beats any ``c.Execute.kernel_manager_class`` setting,
    and ``Validator.preprocessors`` is not configurable.  So besides setting the
    config (for nbclient-based code that honours it), this points the name
    ``Execute.__init__`` reads at :class:`SandboxedKernelManager` in this process.

    Parameters
    ----------
    c : traitlets.config.Config
        The nbgrader config to update (``get_config()`` in ``nbgrader_config.py``).
    unsafe : bool
        Allow an unsandboxed kernel when bubblewrap is unavailable (loud warning).
    """
    import nbgrader.preprocessors.execute as nbg_execute

    c.NotebookClient.kernel_manager_class = SandboxedKernelManager
    c.Execute.kernel_manager_class = SandboxedKernelManager
    c.SandboxedKernelManager.unsafe = bool(unsafe)
    nbg_execute.AsyncKernelManager = SandboxedKernelManager
    return c
