"""Tags both ways (a member's Mailchimp tags <-> the Odoo tags of its contact / partner): the
pure rules (no Odoo).

Each binding keeps the tags both sides agreed on at its last tag sync (the base). A sync
merges three ways: what either side added since the base is added, what either side removed
is removed, so a change made on one side wins over the other side's "no change", and both
sides end with the same tags, which become the new base (no ping-pong: a second sync finds
nothing to do). Tag names are compared as Mailchimp compares them (case-insensitive), kept
as the side that made them spelled them.
"""

#: how the binding stores a tag list (the import's ``binding_values`` joins them so)
TAG_SEPARATOR = ", "


def parse_tags(text):
    """The tag names of a stored list ('' or None: none)."""
    return {name.strip() for name in (text or "").split(TAG_SEPARATOR) if name.strip()}


def join_tags(names):
    """A tag list as the binding stores it (sorted, case-insensitively), False when empty."""
    return TAG_SEPARATOR.join(sorted(names, key=str.lower)) or False


def _by_key(names):
    return {name.lower(): name for name in names}


def merge_tags(base, *sides):
    """The tags both sides end with: ``base`` plus what any side added since, minus what any
    side removed (names compared case-insensitively; an added name keeps its spelling)."""
    base_keys = _by_key(base)
    result = dict(base_keys)
    for side in sides:
        keys = _by_key(side)
        for key, name in keys.items():
            if key not in base_keys:
                result.setdefault(key, name)
    for side in sides:
        keys = _by_key(side)
        for key in base_keys:
            if key not in keys:
                result.pop(key, None)
    return set(result.values())


def tag_changes(current, wanted):
    """(names to make active, names to make inactive) to turn ``current`` into ``wanted``
    (case-insensitively), each sorted."""
    current_keys, wanted_keys = _by_key(current), _by_key(wanted)
    active = sorted(name for key, name in wanted_keys.items() if key not in current_keys)
    inactive = sorted(name for key, name in current_keys.items() if key not in wanted_keys)
    return active, inactive


def same_tags(left, right):
    return set(_by_key(left)) == set(_by_key(right))


#: a tag changed on at least this many members in one sync goes through its static segment
#: (500 members a call) instead of one call per member
TAG_BATCH_THRESHOLD = 20


def group_changes(changes, threshold=None):
    """Split the members' tag changes (``changes``: {member: (active names, inactive
    names)}) into (bulk, single): ``bulk`` {lower-cased tag: (name, [members to add],
    [members to remove])} for the tags changed on at least ``threshold`` members,
    ``single`` {member: (active, inactive)} for the rest (members with nothing left out)."""
    threshold = threshold or TAG_BATCH_THRESHOLD
    per_tag = {}
    for member, (active, inactive) in changes.items():
        for name in active:
            per_tag.setdefault(name.lower(), (name, [], []))[1].append(member)
        for name in inactive:
            per_tag.setdefault(name.lower(), (name, [], []))[2].append(member)
    bulk = {
        key: value for key, value in per_tag.items() if len(value[1]) + len(value[2]) >= threshold
    }
    single = {}
    for member, (active, inactive) in changes.items():
        rest = (
            [n for n in active if n.lower() not in bulk],
            [n for n in inactive if n.lower() not in bulk],
        )
        if rest[0] or rest[1]:
            single[member] = rest
    return bulk, single
