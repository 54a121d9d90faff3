/** One line of a round: an option and its votes. @internal */
export interface RoundLine {
  readonly option: string
  readonly votes: number
}

/** One round of an instant run-off count. @internal */
export interface Round {
  readonly counts: RoundLine[]
  readonly exhausted: number
  readonly eliminated?: string
}

/**
 * Counts ranked ballots by instant run-off (DEC-TAL-006). Each round gives every ballot to its
 * best-ranked option still in the count; an option with more than half of the ballots that are
 * not exhausted wins; otherwise the option with the fewest votes is eliminated. A tie for fewest is
 * broken by the fewest votes in the round before, then the one before that, back to the first;
 * then the option listed last in the poll is eliminated, unless every option still in the count is
 * tied, in which case they all win. Integers only.
 * @param order The options' ids in the poll's order.
 * @param ballots Each stance's choices with their ranks (1 is best).
 * @internal
 */
export function rankedChoice(
  order: readonly string[],
  ballots: readonly (readonly { option: string; rank: number }[])[],
): { firstRound: RoundLine[]; rounds: Round[]; winners: string[] } {
  const ranked = ballots.map((b) => [...b].sort((x, y) => x.rank - y.rank).map((c) => c.option))
  const active = new Set(order)
  const rounds: Round[] = []
  const history: Map<string, number>[] = []
  for (;;) {
    const counts = new Map<string, number>([...active].map((o) => [o, 0]))
    let exhausted = 0
    for (const ballot of ranked) {
      const best = ballot.find((o) => active.has(o))
      if (best === undefined) exhausted += 1
      else counts.set(best, (counts.get(best) ?? 0) + 1)
    }
    history.push(counts)
    const lines = order
      .filter((o) => active.has(o))
      .map((o) => ({ option: o, votes: counts.get(o) ?? 0 }))
    const continuing = ranked.length - exhausted
    const majority = lines.find((l) => 2 * l.votes > continuing)
    if (continuing === 0 || majority !== undefined) {
      rounds.push({ counts: lines, exhausted })
      return {
        firstRound: rounds[0]?.counts ?? lines,
        rounds,
        winners: majority === undefined ? [] : [majority.option],
      }
    }
    const fewest = Math.min(...lines.map((l) => l.votes))
    let tied = lines.filter((l) => l.votes === fewest).map((l) => l.option)
    for (let r = history.length - 2; r >= 0 && tied.length > 1; r--) {
      const earlier = history[r] as Map<string, number>
      const least = Math.min(...tied.map((o) => earlier.get(o) ?? 0))
      tied = tied.filter((o) => (earlier.get(o) ?? 0) === least)
    }
    if (tied.length === lines.length) {
      rounds.push({ counts: lines, exhausted })
      return { firstRound: rounds[0]?.counts ?? lines, rounds, winners: tied }
    }
    const eliminated = tied[tied.length - 1] as string
    rounds.push({ counts: lines, exhausted, eliminated })
    active.delete(eliminated)
  }
}
