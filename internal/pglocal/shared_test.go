package pglocal

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A shared cluster keeps running while any live process is registered as its user and stops
// when the last one leaves; registrations of dead processes do not count.
func TestSharedClusterStopsWithItsLastUser(t *testing.T) {
	opt := Options{Database: "pglocal_shared", DataDir: newDataDir(t), Shared: true}
	first, _ := startPrivateT(t, opt)
	second, _ := startPrivateT(t, opt) // reuses the running server
	users := usersDir(opt.DataDir)

	// Another test process still using the cluster, and one that died without leaving.
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Process.Kill(); other.Wait() })
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	deadFile := filepath.Join(users, fmt.Sprintf("%d.1", dead.Process.Pid))
	for _, f := range []string{filepath.Join(users, fmt.Sprintf("%d.1", other.Process.Pid)), deadFile} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	conn := mustConnect(t, first.URL)
	ctx := context.Background()
	for i, db := range []*DB{first, second} {
		if err := db.Stop(ctx); err != nil {
			t.Fatalf("Stop of user %d: %v", i+1, err)
		}
		if err := conn.Ping(ctx); err != nil {
			t.Fatalf("after Stop of user %d while another process is registered, ping = %v, want the server up", i+1, err)
		}
	}
	if _, err := os.Stat(deadFile); !os.IsNotExist(err) {
		t.Errorf("registration of a dead process %s: stat err %v, want it removed", deadFile, err)
	}

	other.Process.Kill()
	other.Wait()
	last, log := startPrivateT(t, opt)
	if !strings.Contains(log, "reusing") {
		t.Errorf("log = %q, want the running server reused", log)
	}
	stopAndCheckDown(t, last)
	if _, err := os.Stat(users); !os.IsNotExist(err) {
		t.Errorf("users directory %s after the last user left: stat err %v, want it removed", users, err)
	}
}

// A caller that is not Shared still stops the server it started; a shared user leaving
// afterwards finds it down and has nothing to do.
func TestSharedUserKeepsClusterStartedByAnother(t *testing.T) {
	opt := Options{Database: "pglocal_mixed", DataDir: newDataDir(t)}
	starter, _ := startPrivateT(t, opt)
	shared := opt
	shared.Shared = true
	user, _ := startPrivateT(t, shared)
	if err := starter.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := user.Stop(context.Background()); err != nil {
		t.Errorf("shared Stop of a cluster already stopped: %v, want nil", err)
	}
}
