//! `completions SHELL`: a completion script for bash, zsh or fish, written from the tool's
//! own lists of subcommands and flags, so that it cannot drift from them.

use crate::args::{GLOBAL_FLAGS, Shell, Subcommand, flags_of};

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    match shell {
        Shell::Bash => bash(),
        Shell::Zsh => format!(
            "#compdef cos-ci-batch\nautoload -U bashcompinit && bashcompinit\n{}",
            bash()
        ),
        Shell::Fish => fish(),
    }
}

fn long(flags: &[&str]) -> String {
    flags
        .iter()
        .map(|f| format!("--{f}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn bash() -> String {
    let names: Vec<&str> = Subcommand::ALL.iter().map(|s| s.name()).collect();
    let mut cases = String::new();
    for subcommand in Subcommand::ALL {
        cases.push_str(&format!(
            "        {}) flags=\"{} {}\" ;;\n",
            subcommand.name(),
            long(flags_of(subcommand)),
            long(GLOBAL_FLAGS)
        ));
    }
    format!(
        "# bash completion for cos-ci-batch: eval \"$(cos-ci-batch completions bash)\"\n\
         _cos_ci_batch() {{\n\
         \x20   local cur=\"${{COMP_WORDS[COMP_CWORD]}}\" sub=\"\" word flags\n\
         \x20   for word in \"${{COMP_WORDS[@]:1:COMP_CWORD-1}}\"; do\n\
         \x20       case \"$word\" in -*) ;; *) sub=\"$word\"; break ;; esac\n\
         \x20   done\n\
         \x20   case \"$sub\" in\n\
         {cases}\
         \x20       *) COMPREPLY=($(compgen -W \"{} {}\" -- \"$cur\")); return ;;\n\
         \x20   esac\n\
         \x20   COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n\
         }}\n\
         complete -o default -F _cos_ci_batch cos-ci-batch\n",
        names.join(" "),
        long(GLOBAL_FLAGS),
    )
}

fn fish() -> String {
    let mut out = String::from(
        "# fish completion for cos-ci-batch: cos-ci-batch completions fish | source\n",
    );
    for subcommand in Subcommand::ALL {
        out.push_str(&format!(
            "complete -c cos-ci-batch -n __fish_use_subcommand -a {}\n",
            subcommand.name()
        ));
        for flag in flags_of(subcommand) {
            out.push_str(&format!(
                "complete -c cos-ci-batch -n '__fish_seen_subcommand_from {}' -l {flag}\n",
                subcommand.name()
            ));
        }
    }
    for flag in GLOBAL_FLAGS {
        out.push_str(&format!("complete -c cos-ci-batch -l {flag}\n"));
    }
    out
}
