// Command liaison tracks government–industry cyber meetings, who attended
// and whether they may be named, and the action items that follow.
//
//	liaison [serve]        run the server (the default)
//	liaison migrate        apply database migrations
//	liaison seed --demo    load the demonstration data
//	liaison seed --meetings N --action-items M   generate synthetic volume
//	liaison user create    add a login
//	liaison token create   issue an API token for a user
//	liaison backup PATH    write a consistent copy of the SQLite database
//	liaison help, liaison --version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // IANA time zones even where the system has none
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "liaison:", err)
		os.Exit(1)
	}
}
