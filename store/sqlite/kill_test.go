package sqlite_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/weftflow/weft/store"
	"github.com/weftflow/weft/store/storetest"
)

const childEnv = "WEFT_STORE_KILL_CHILD"

// TestKill9 runs a child process that Accepts from 20 goroutines and
// prints each run id once its Accept has returned; it kills the child
// with SIGKILL mid-burst, opens the file, and checks that every printed
// run is there.
func TestKill9(t *testing.T) {
	if path := os.Getenv(childEnv); path != "" {
		killChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "weft.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKill9$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^accepted (k[0-9]{2}-[0-9]{6}) end$`)
	var acked []string
	sc := bufio.NewScanner(out)
	timeout := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	for sc.Scan() {
		if m := line.FindStringSubmatch(sc.Text()); m != nil {
			acked = append(acked, m[1])
		}
		if len(acked) == 500 {
			cmd.Process.Kill() // SIGKILL
			break
		}
	}
	// What the child printed before it died is acknowledged too.
	for sc.Scan() {
		if m := line.FindStringSubmatch(sc.Text()); m != nil {
			acked = append(acked, m[1])
		}
	}
	timeout.Stop()
	cmd.Wait()
	if len(acked) < 500 {
		t.Fatalf("the child acknowledged only %d Accepts", len(acked))
	}
	s := open(t, path)
	defer s.Close()
	for _, id := range acked {
		if _, err := s.Get(bg, id); err != nil {
			t.Errorf("acknowledged run %s lost: %v", id, err)
		}
	}
	all, err := s.Pending(bg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("child killed after %d acknowledged Accepts; the file holds %d runs, none lost", len(acked), len(all))
}

func killChild(path string) {
	time.AfterFunc(60*time.Second, func() { os.Exit(3) }) // never outlive a parent that died
	s, err := sqliteOpen(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				id := fmt.Sprintf("k%02d-%06d", g, i)
				r := storetest.NewRun(id, "f", id, time.Now())
				r.Event = &store.Event{Body: []byte(`{"n":1}`), BodyKept: true}
				if _, _, err := s.Accept(bg, r, time.Hour); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				mu.Lock()
				fmt.Fprintf(w, "accepted %s end\n", id)
				w.Flush()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
