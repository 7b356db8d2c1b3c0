"""Projects and their members (owner, member, viewer): the unit that scopes tasks, standups and documents."""
