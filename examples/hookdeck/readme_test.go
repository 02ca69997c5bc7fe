package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// readmeOrigin is the address the README's examples use; the test serves
// the fake on a free port and puts its origin in their place.
const readmeOrigin = "http://127.0.0.1:8080"

// TestREADME does what README.md says, with the commands read from
// README.md itself: from the module root it starts this example, in
// process, with the README's -serve arguments (on a free port), checks
// that what it prints is what the README shows, runs every command of the
// README's command-line example against it with a freshly built weft,
// vets, builds and runs the README's library program against it (without
// credentials it must exit non-zero, with them succeed), and stops the
// server with SIGINT, which must shut it down cleanly with status 0.
//
// The only substitutions: the fake's origin for http://127.0.0.1:8080 (and
// a free loopback address for :8080), the built binary for `weft`, and
// files in a temporary directory for the report.json and report.xml the
// README writes.
func TestREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	cli := section(t, string(readme), "## Command line")
	sh := fencedBlocks(cli, "sh")
	if len(sh) != 3 {
		t.Fatalf("the Command line section has %d sh blocks, want 3 (install, serve, commands)", len(sh))
	}
	install, serveBlock, commands := sh[0], sh[1], sh[2]
	library := fencedBlocks(section(t, string(readme), "## Library"), "go")
	if len(library) != 1 {
		t.Fatalf("the Library section has %d go blocks, want 1", len(library))
	}

	// 1. Installing: from a clone, with the @latest form kept for later.
	if !regexp.MustCompile(`(?m)^go install \./cmd/weft\b`).MatchString(install) ||
		!regexp.MustCompile(`(?m)^# go install github\.com/weftflow/weft/cmd/weft@latest .*once the module is published`).MatchString(install) {
		t.Errorf("the install block should say `go install ./cmd/weft` and keep the @latest line commented for later:\n%s", install)
	}

	// The fake's address is chosen first, so that the library program,
	// which names it, is built in one go with weft (linking dominates the
	// test's time).
	addr := freeAddr(t)
	origin := "http://" + addr
	pkg := writeSnippet(t, root, strings.ReplaceAll(library[0], readmeOrigin, origin))
	vet := exec.Command("go", "vet", pkg)
	vet.Dir = root
	if out, err := vet.CombinedOutput(); err != nil {
		t.Fatalf("go vet on the README's library program: %v\n%s\n--- program\n%s", err, out, library[0])
	}
	bin := t.TempDir()
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	weftBin := filepath.Join(bin, "weft"+exe)
	prog := filepath.Join(bin, filepath.Base(pkg)+exe)
	build := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./cmd/weft", pkg)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build (weft, the README's library program): %v\n%s", err, out)
	}

	// 2. The server: the README's `go run ./examples/hookdeck ARGS`.
	lines := logicalLines(serveBlock)
	if len(lines) != 1 {
		t.Fatalf("the serve block should be one command, got %q", lines)
	}
	words := shellWords(t, lines[0])
	if len(words) < 3 || strings.Join(words[:3], " ") != "go run ./examples/hookdeck" {
		t.Fatalf("the serve block runs %q, want go run ./examples/hookdeck ...", lines[0])
	}
	args := append([]string(nil), words[3:]...)
	for i, a := range args {
		if i > 0 && args[i-1] == "-serve" {
			if a != ":8080" {
				t.Fatalf("README serves on %q; this test expects :8080 to match %s", a, readmeOrigin)
			}
			args[i] = addr
		}
	}
	// The example runs from the module root, as the README says.
	t.Chdir(root)
	pr, pw := io.Pipe()
	var srvErr bytes.Buffer
	exited := make(chan int, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		code := runWithSignals(ctx, args, pw, &srvErr)
		pw.Close()
		exited <- code
	}()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cancel()
			<-exited
		}
	})
	stdout := pr
	printed, rest := readUntil(t, stdout, "serving until interrupted")
	m := regexp.MustCompile(`listening on (http://[^/\s]+)/`).FindStringSubmatch(printed)
	if m == nil {
		t.Fatalf("-serve did not print its URL:\n%s\n%s", printed, srvErr.String())
	}
	if m[1] != origin {
		t.Fatalf("-serve %s printed %s", addr, m[1])
	}
	readmeCommands := strings.ReplaceAll(commands, readmeOrigin, origin)
	// What -serve prints to run the workflow is what the README shows.
	block := printedCommands(printed)
	shown := map[string]bool{}
	for _, l := range logicalLines(readmeCommands) {
		shown[l] = true
	}
	if len(logicalLines(block)) < 3 {
		t.Errorf("-serve printed no commands:\n%s", printed)
	}
	for _, l := range logicalLines(block) {
		if !shown[l] {
			t.Errorf("-serve prints a command the README does not show (README with %s for %s):\n%s\n--- README\n%s", origin, readmeOrigin, l, readmeCommands)
		}
	}

	// 3. The command-line example, line by line.
	reports := t.TempDir()
	env := cleanEnv()
	ran := 0
	for _, line := range logicalLines(readmeCommands) {
		w := shellWords(t, line)
		switch w[0] {
		case "export":
			env = append(env, w[1:]...)
		case "weft":
			for i, a := range w {
				if a == "report.json" || a == "report.xml" {
					w[i] = filepath.Join(reports, a)
				}
			}
			cmd := exec.Command(weftBin, w[1:]...)
			cmd.Dir, cmd.Env = root, env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("README: %s\n%v\n%s", line, err, out)
			}
			ran++
		default:
			t.Fatalf("README command %q: this test runs only export and weft lines", line)
		}
	}
	if ran < 5 {
		t.Errorf("ran %d weft commands from the README, want validate, list, env, run and test", ran)
	}
	var rep struct{ Status string }
	if data, err := os.ReadFile(filepath.Join(reports, "report.json")); err != nil || json.Unmarshal(data, &rep) != nil || rep.Status != "succeeded" {
		t.Errorf("report.json: %v, status %q", err, rep.Status)
	}
	if data, err := os.ReadFile(filepath.Join(reports, "report.xml")); err != nil || xml.Unmarshal(data, new(struct{})) != nil {
		t.Errorf("report.xml: %v", err)
	}

	// 4. The library program: vetted, built, run without credentials (the
	// workflow fails: it must exit non-zero) and with them (exit 0).
	for _, c := range []struct {
		name string
		env  []string
		ok   bool
		want string
	}{
		{"without credentials", cleanEnv(), false, "failed at step createSource"},
		{"with credentials", env, true, "succeeded map[attached:true"},
	} {
		cmd := exec.Command(prog)
		cmd.Dir, cmd.Env = root, c.env
		out, err := cmd.CombinedOutput()
		if (err == nil) != c.ok || !strings.Contains(string(out), c.want) {
			t.Errorf("README library program %s: %v (want success %v), output lacks %q:\n%s", c.name, err, c.ok, c.want, out)
		}
	}

	// 5. Ctrl-C: the server shuts down cleanly and exits 0.
	if !signalSelf(t) {
		return
	}
	tail, _ := io.ReadAll(rest)
	code := <-exited
	stopped = true
	if code != 0 || !strings.Contains(string(tail), "stopped") {
		t.Errorf("after SIGINT: exit %d\n%s\n%s", code, tail, srvErr.String())
	}
}

// signalSelf sends SIGINT to this process, which the example's
// signal.NotifyContext turns into a shutdown. It reports false where the
// platform cannot (Windows).
func signalSelf(t *testing.T) bool {
	t.Helper()
	if runtime.GOOS == "windows" {
		return false
	}
	p, err := os.FindProcess(os.Getpid())
	if err == nil {
		err = p.Signal(os.Interrupt)
	}
	if err != nil {
		t.Fatalf("SIGINT: %v", err)
	}
	return true
}

// cleanEnv is the test's environment without WEFT_ variables, so only what
// the README exports reaches weft.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WEFT_") {
			out = append(out, kv)
		}
	}
	return append(out, "NO_COLOR=1")
}

// section returns the text of a markdown section from its heading to the
// next heading of the same level.
func section(t *testing.T, md, heading string) string {
	t.Helper()
	i := strings.Index(md, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README has no %q section", heading)
	}
	s := md[i+1+len(heading):]
	if j := strings.Index(s, "\n"+strings.Fields(heading)[0]+" "); j >= 0 {
		s = s[:j]
	}
	return s
}

// fencedBlocks returns the contents of the ```lang blocks of md.
func fencedBlocks(md, lang string) []string {
	var out []string
	for _, m := range regexp.MustCompile("(?ms)^```"+lang+"\n(.*?)^```").FindAllStringSubmatch(md, -1) {
		out = append(out, m[1])
	}
	return out
}

// logicalLines splits shell text into commands: backslash-newline joins
// lines; blank lines and comment lines are dropped.
func logicalLines(s string) []string {
	var out []string
	cur := ""
	for _, l := range strings.Split(s, "\n") {
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\")
			continue
		}
		cur += l
		if t := strings.TrimSpace(cur); t != "" && !strings.HasPrefix(t, "#") {
			out = append(out, t)
		}
		cur = ""
	}
	return out
}

// shellWords splits a command line as a POSIX shell would for the plain
// forms a README uses: blanks, single and double quotes, backslash escapes,
// and a # comment at the start of a word.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case c == '#' && !inWord:
			i = len(line)
		case c == '\\' && i+1 < len(line):
			i++
			w.WriteByte(line[i])
			inWord = true
		case c == '\'' || c == '"':
			j := strings.IndexByte(line[i+1:], c)
			if j < 0 {
				t.Fatalf("unbalanced quote in %q", line)
			}
			w.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '$' || c == '`' || c == '|' || c == '&' || c == ';' || c == '>' || c == '<':
			t.Fatalf("README command %q uses shell syntax (%c) this test does not run", line, c)
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// readUntil reads lines from r until one contains marker, with a deadline,
// and returns them and a reader for the rest.
func readUntil(t *testing.T, r io.Reader, marker string) (string, io.Reader) {
	t.Helper()
	br := bufio.NewReader(r)
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		var b strings.Builder
		for {
			line, err := br.ReadString('\n')
			b.WriteString(line)
			if err != nil || strings.Contains(line, marker) {
				done <- result{b.String(), err}
				return
			}
		}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			t.Fatalf("-serve ended before %q: %v\n%s", marker, res.err, res.text)
		}
		return res.text, br
	case <-time.After(20 * time.Second):
		t.Fatalf("-serve did not print %q in time", marker)
	}
	return "", nil
}

// printedCommands is the shell text -serve prints between the line that
// introduces it (ending in ":") and the next blank line.
func printedCommands(out string) string {
	_, after, ok := strings.Cut(out, ":\n\n")
	if !ok {
		return ""
	}
	block, _, _ := strings.Cut(after, "\n\n")
	return block + "\n"
}

// freeAddr returns a loopback address with a port free at the time of the
// call.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// writeSnippet writes a Go program into a temporary package of this module
// (under testdata, which ./... skips) and returns its package path
// relative to root.
func writeSnippet(t *testing.T, root, src string) string {
	t.Helper()
	td := filepath.Join(root, "examples", "hookdeck", "testdata")
	if err := os.MkdirAll(td, 0o755); err != nil {
		t.Skipf("cannot write the library program into the module: %v", err)
	}
	dir, err := os.MkdirTemp(td, "readme-library-")
	if err != nil {
		t.Skipf("cannot write the library program into the module: %v", err)
	}
	t.Cleanup(func() {
		os.RemoveAll(dir)
		os.Remove(td) // only when empty: nothing else lives there
	})
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return "./" + filepath.ToSlash(must(filepath.Rel(root, dir)))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return v
}
