"""The words of the demo organisation: situations, observations, replies, goals.

Kept apart from growth/demo.py, which builds the organisation from them.
"""

from growth.models import CompetencyKind, GoalKind, GoalStatus, Sentiment
from growth.models.framework import RANKS

TECHNICAL, INTERPERSONAL = CompetencyKind.TECHNICAL, CompetencyKind.INTERPERSONAL
JUNIOR, MID, SENIOR, STAFF, PRINCIPAL = RANKS


def _sections(text: str) -> dict[str, list[str]]:
    """Read blocks headed '== name' into lists by name: one item a line, or short
    items separated by ' | '."""
    sections: dict[str, list[str]] = {}
    items: list[str] = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        if line.startswith("== "):
            items = sections.setdefault(line[3:], [])
        else:
            items.extend(item.strip() for item in line.split(" | "))
    return sections


def _note_texts(text: str) -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    """'== Competency: sentiment' blocks of behaviours, suggestions marked '->'."""
    texts = {}
    for heading, lines in _sections(text).items():
        name, sentiment = heading.rsplit(": ", 1)
        behaviours = [line for line in lines if not line.startswith("-> ")]
        suggestions = [line[3:] for line in lines if line.startswith("-> ")]
        texts[name, Sentiment(sentiment)] = (behaviours, suggestions)
    return texts


TOPICS = {
    "Platform": ["the Kubernetes upgrade", "the CI pipeline migration", "the Terraform module refactor", "the rate-limiter service", "the secrets rotation", "the logging pipeline", "the on-call runbooks", "the payments API gateway"],
    "Data & ML": ["the feature store migration", "the churn model retraining", "the dbt models", "the data-quality alerts", "the model-serving latency work", "the recommendation pipeline", "the GDPR deletion job", "the experiment tracking set-up"],
    "Product": ["the checkout redesign", "the onboarding A/B test", "the iOS release", "the accessibility audit", "the search ranking change", "the notification settings page", "the pricing page", "the design-system migration"],
}  # fmt: skip

SITUATIONS = _sections("""
== technical
While you were working on {topic} last sprint
In your pull requests for {topic}
While we paired on {topic} on {weekday}
In the incident review on {weekday}, which touched {topic}
When {topic} went out to production on {weekday}
In the sprint demo of {topic}
During the design review for {topic}
Looking back at {topic} this month
In the RFC and the code that followed for {topic}
Around {weekday}'s release of {topic}
== interpersonal
In {weekday}'s sprint retrospective
During planning for {topic}
In stand-up on {weekday}, when {topic} was running late
On the cross-team work for {topic}
Over the last two weeks on {topic}
In the Slack discussion about {topic}
During the stakeholder update on {topic}
In the design review for {topic}, when the discussion got heated
When we were short-staffed during {topic}
Around the hand-over of {topic} to the other team
""")

NOTE_TEXTS = _note_texts("""
== Code quality: praise
You split the change into small, well-named commits and removed the dead code path you found on the way.
You replaced the copy-pasted retry logic with one small, tested helper and explained why in the pull request.
You left the module clearer than you found it: the names now say what the functions do.
-> Keep doing this; consider writing the helper pattern up in the engineering handbook.
-> Keep splitting changes like this, and show one of the juniors how you structure commits.
== Code quality: constructive
The pull request mixed a refactor with the behaviour change, and several functions grew past a hundred lines.
Review comments about naming were resolved without a change or a reply.
The new code duplicated logic that already lives in the shared client library.
-> Open the refactor as its own pull request first, then the behaviour change on top.
-> When you disagree with a review comment, reply with your reasoning rather than resolving it silently.
-> Before writing a helper, search the shared libraries or ask in #eng-help, and extend what is there.
== System design: praise
You laid out three options with their failure modes and costs before recommending one.
You designed the interface around the callers' needs and kept the storage details behind it.
You spotted that a synchronous call would tie two teams' release cycles together, and proposed an event instead.
-> Keep writing options up this way; turn it into an ADR so the reasoning outlives the meeting.
-> Offer to review the next design in another team; your eye for coupling is valuable.
== System design: constructive
The design jumped straight to a solution without stating the constraints or the alternatives considered.
The proposal did not say how the system behaves when the downstream service is slow or down.
The schema fitted the first use case so closely that the second team's requirement was awkward to add.
-> Start the next design doc with a short "constraints and non-goals" section and at least two alternatives.
-> Add a failure-modes section: timeouts, retries, and what the user sees when a dependency is down.
-> Sketch the second and third use cases before fixing the schema, even if you only build the first.
== Data management: praise
You wrote the migration to run in batches, with a dry-run mode and a tested rollback.
You caught that the new column would be empty for historical rows, and backfilled it before the reports relied on it.
You documented the data's owner, retention and personal fields in the catalogue.
-> Keep this standard; a short write-up of the batching approach would help the whole team.
-> Keep doing it, and add the catalogue check to the team's definition of done.
== Data management: constructive
The migration locked a large table during business hours and blocked writes for several minutes.
The pipeline silently dropped rows that failed validation instead of quarantining them.
The change renamed a column that two downstream dashboards still read.
-> Rehearse large migrations on a production-sized copy, and schedule them outside peak hours.
-> Send rejected rows to a quarantine table with a count on the dashboard, so nothing disappears silently.
-> Check the lineage for consumers before renaming; add the new name first and drop the old one later.
== Testing & validation: praise
You wrote a failing test that reproduced the bug before fixing it.
You added property-based tests that found two edge cases nobody had thought of.
You added a data-validation check that caught a schema drift before it reached the model.
-> Keep starting from a failing test, and show the approach in a learning session.
-> Keep going; consider adding the check to the shared pipeline template.
== Testing & validation: constructive
The fix went in without a test, and the same bug came back two weeks later.
The tests mocked so much that they passed even when the feature was broken.
The flaky test was retried in CI instead of being fixed or quarantined.
-> For every bug fix, add the test that would have caught it, in the same pull request.
-> Test through the public interface with a real database where you can; mock only the network edges.
-> Quarantine a flaky test with a ticket and an owner rather than retrying it.
== Production & MLOps: praise
You added dashboards and alerts before the launch, and the runbook was ready on day one.
During the incident you kept a clear timeline in the channel and rolled back early.
You ran the new model on shadow traffic and compared it with the old one before switching.
-> Keep doing this; run the next game day for the team.
-> Keep it up, and share the runbook template with the platform guild.
== Production & MLOps: constructive
The release went out on a Friday afternoon without a rollback plan.
The new service shipped without alerts, so we learnt about the outage from a customer.
The model was retrained on new data without comparing its metrics with the current version.
-> Write the rollback steps into the release ticket, and prefer early-week releases.
-> Make alerts and a dashboard part of the definition of done for any new service.
-> Add an evaluation gate, so a retrained model has to beat the current one before it ships.
== Communication: praise
You summarised a long thread into three decisions and the open questions, and posted it where everyone could find it.
You explained the trade-off to non-technical stakeholders without jargon, and checked they had understood.
Your status update said plainly what was at risk and what you needed.
-> Keep writing summaries like this; they are a model for the team.
-> Keep it up, and try presenting at the next all-hands.
== Communication: constructive
The update was long, and the risk to the deadline was only mentioned at the very end.
You answered the question in a private message, so the rest of the team missed the decision.
The explanation assumed context the audience did not have, and several people were lost.
-> Lead with the headline: put the risk and the ask in the first two lines.
-> Answer in the public channel, or post the outcome there, so decisions stay findable.
-> Ask the audience what they already know before diving in, and check understanding at the end.
== Collaboration: praise
You offered to pair with the other team when their integration was stuck, and unblocked them in an afternoon.
You brought the quieter people into the discussion and built on their ideas.
You picked up the unglamorous ticket so that the release could go out on time.
-> Keep doing this; it is why other teams like working with us.
-> Keep it up; you would make a good facilitator for the next retro.
== Collaboration: constructive
You went ahead with your own approach after the team had agreed on a different one.
Review requests from the other team waited several days without a response.
The discussion became a back-and-forth between two people, and the others stopped contributing.
-> If you disagree with a team decision, raise it again openly rather than working around it.
-> Agree a review turnaround with the other team, or tell them when you can look.
-> Pause and ask the quieter people for their view before the discussion moves on.
== Mentoring: praise
You paired with the new joiner and let them drive, asking questions instead of taking the keyboard.
You turned a tricky review into a short explanation of why, with a link to read more.
You made time for a junior's questions in a busy week, and followed up the next day.
-> Keep doing this; consider leading a session on how you pair.
-> Keep it up; you are ready to take on a mentee formally.
== Mentoring: constructive
When the junior got stuck you fixed it yourself, so they did not learn how to get unstuck.
The review comments said what to change but not why.
Check-ins with your mentee slipped for a month without being rescheduled.
-> Next time, ask a guiding question and wait; let them find the fix with you.
-> Add one line of "why" to review comments, or a link to the guideline.
-> Put check-ins in the calendar as a recurring slot, and move them rather than cancel.
== Ownership: praise
You noticed the failing nightly job nobody owned, fixed it and found it an owner.
You followed the feature after launch, checked the metrics and fixed the bug users reported.
You flagged early that the estimate was off, and proposed what to cut.
-> Keep this up; it is exactly what we look for at the next level.
-> Keep going, and write up for the team how you track your follow-ups.
== Ownership: constructive
The ticket sat "in progress" for two weeks without an update or a request for help.
An action from the incident review was dropped without anyone being told.
The deadline slipped, and we learnt about it on the day.
-> If something is stuck for more than two days, say so in stand-up and ask for help.
-> Keep your actions in one visible list, and hand them over explicitly if you cannot do them.
-> Raise a risk to the deadline as soon as you see it, with a proposal, even when it is uncomfortable.
== Giving & receiving feedback: praise
You asked for feedback on your design doc specifically, and acted on it within the week.
You gave a peer constructive feedback in private, with a concrete example and a suggestion.
When the review was critical you thanked the reviewer and asked clarifying questions.
-> Keep doing this; you set the tone for the team.
-> Keep going, and try asking someone outside the team next.
== Giving & receiving feedback: constructive
You became defensive when the review pointed out a problem, and the conversation stalled.
The feedback you gave in the retro was vague ("it was messy"), so it was hard to act on.
You have not asked anyone for feedback this quarter.
-> Take a moment before replying to critical feedback: restate what you heard, then respond.
-> Use situation, behaviour and impact when you give feedback, and end with a concrete suggestion.
-> Ask one person for feedback on one thing each month; a feedback request here makes it easy.
""")
# The words for a competency an admin adds later.
GENERIC_COMPETENCY = {TECHNICAL: "Code quality", INTERPERSONAL: "Collaboration"}

IMPACTS = {
    (kind, Sentiment(sentiment)): lines
    for heading, lines in _sections("""
== technical: praise
Reviewers could approve it in one pass, and it shipped a day early.
We avoided a class of production bugs we have had twice this year.
On-call had a quiet week: nothing paged after the change.
Other teams have started to reuse the approach.
We made the decision in one meeting instead of three.
New joiners now understand that part of the system much faster.
== technical: constructive
Review took three rounds and the release slipped by two days.
On-call was paged twice overnight before it was rolled back.
Another team lost half a day working out what had changed.
We will have to revisit it next quarter, which costs more than doing it now.
Customers saw errors for about twenty minutes.
It made the numbers on the dashboard harder to trust.
== interpersonal: praise
People left the meeting knowing what had been decided and who does what.
The other team told me it was the smoothest hand-over they have had.
The newest engineer spoke up in planning for the first time.
It lowered the temperature, and we reached a decision.
Stakeholders trusted the new date because they understood the risk.
The team felt supported in a stressful week.
== interpersonal: constructive
Some people felt their input did not matter, and the retro went quiet.
The stakeholders were surprised, and we spent the next week rebuilding trust.
Work was duplicated because the decision was not visible.
It left the junior engineers unsure whether they could ask questions.
The risk surfaced too late to change the plan.
It made the discussion harder to bring to a close.
""").items()
    for kind, sentiment in [heading.split(": ")]
}

REPLIES = {
    Sentiment(sentiment): lines
    for sentiment, lines in _sections("""
== praise
Thanks, that means a lot. It was a team effort.
Thank you! Happy to show others how I went about it.
Thanks for noticing; it took a few attempts to get right.
Appreciated. I wasn't sure it had landed.
== constructive
Fair point. I'll try this in the next sprint.
Thanks, I hadn't seen it that way. Can we talk it through at our next 1:1?
Agreed. I've added it to my goals.
I see the point. We were under pressure from the release, but I'll plan for it next time.
Thanks for being direct. I've already started on the suggestion.
""").items()
}

REQUEST_MESSAGES = [
    "Could you give me feedback on how I handled {topic}?",
    "I'm working on my {skill}. Anything you noticed during {topic}?",
    "Any feedback on my design doc for {topic}?",
    "How did my hand-over of {topic} land from your side?",
    "I'd value your view on how I ran the discussion about {topic}.",
]

# (title, kind, competency, description)
TECHNICAL_GOALS = [
    ("Own the on-call rotation for a quarter", GoalKind.TECHNICAL, "Production & MLOps", "Be primary on-call twice and improve one runbook each time."),
    ("Raise test coverage of the billing module to 80%", GoalKind.TECHNICAL, "Testing & validation", "Start with the refund paths, which broke twice last year."),
    ("Write the team's migration playbook", GoalKind.TECHNICAL, "Data management", "Batching, dry runs, rollbacks and who to tell."),
    ("Review pull requests in Go with confidence", GoalKind.TECHNICAL, "Code quality", "Review two Go pull requests a week and pair on one."),
    ("Design a service end to end", GoalKind.TECHNICAL, "System design", "From the RFC to production, with a design review."),
    ("Add data-quality checks to our pipelines", GoalKind.TECHNICAL, "Testing & validation", "Freshness, volume and schema checks, with alerts."),
    ("Cut p95 latency of our main endpoint by a third", GoalKind.TECHNICAL, "Production & MLOps", "Profile, fix the two biggest causes, and measure."),
]  # fmt: skip
INTERPERSONAL_GOALS = [
    ("Give one piece of written feedback every week", GoalKind.INTERPERSONAL, "Giving & receiving feedback", "Specific, with a suggestion, to someone different each time."),
    ("Present at the engineering all-hands", GoalKind.INTERPERSONAL, "Communication", "Ten minutes on something the team shipped."),
    ("Mentor a new joiner through their first month", GoalKind.INTERPERSONAL, "Mentoring", "Weekly pairing, and a check-in at the end of each week."),
    ("Facilitate planning with the product team", GoalKind.INTERPERSONAL, "Collaboration", "Run two planning sessions and ask for feedback on both."),
    ("Write shorter, clearer status updates", GoalKind.INTERPERSONAL, "Communication", "Headline first, risks second, details last."),
]  # fmt: skip
CAREER_GOALS = {
    JUNIOR: ("Get ready for promotion to mid-level", GoalKind.CAREER, None, "Agree the evidence with my manager and collect it."),
    MID: ("Get ready for promotion to senior", GoalKind.CAREER, None, "Own a project end to end and mentor someone."),
    SENIOR: ("Build the case for staff engineer", GoalKind.CAREER, None, "Lead a cross-team initiative and write it up."),
    STAFF: ("Grow the next tech leads", GoalKind.CAREER, None, "Sponsor two engineers into tech-lead roles."),
    PRINCIPAL: ("Shape next year's technical strategy", GoalKind.CAREER, None, "Write it with the staff engineers and review it with the teams."),
}  # fmt: skip

GOAL_PROGRESS_NOTES = _sections("""
== notes
Made a start: read up and wrote a plan.
Paired on the first part; going well.
Slower fortnight: on-call took most of my time.
Got feedback in my 1:1 and adjusted the approach.
About half-way there.
Finished the main piece; polishing now.
Blocked by the release freeze for a week.
Shared a first draft with the team.
Good progress on the learning day.
""")["notes"] + [""]
GOAL_LAST_NOTES = {
    GoalStatus.ACHIEVED: [
        "Done: wrapped up and shared with the team.",
        "Achieved! Demoed it at the sprint review.",
    ],
    GoalStatus.ABANDONED: ["Priorities changed this quarter; parking this goal."],
}

CHECK_IN_WORDS = _sections("""
== mood
positive | a bit stretched | confident | unsure about the scope | energised
frustrated by slow reviews
== status
on track | slightly behind | done and in production | blocked on another team
waiting for design sign-off
== growth
the path to the next level | taking more ownership of incidents
speaking up in design reviews | balancing on-call with project work
asking for more interpersonal feedback | a possible conference talk
mentoring the newest joiner | the promotion packet
== next
writing the design doc first | asking for feedback on one thing
leading stand-up for a week | pairing with someone from another team
timeboxing investigations to two hours before asking
== cadence
holding | slipping a little | on track
== one_on_one
Talked through {topic}; {first} feels {mood} about it. We also discussed {growth}.
Mostly about {growth}. Quick check on {topic}: {status}.
{first} raised the workload around {topic}; agreed to revisit priorities with the team. Touched on {growth}.
Went over goals. {Topic} is {status}. Next time: {growth}.
Short one this week: {topic} is {status}, and {first} feels {mood}.
== mentoring
Worked through {growth}. {first} will try {next} before next time.
Reviewed a recent pull request together and talked about {growth}.
Talked about {growth} and shared some reading. {first} feels {mood}.
Looked back at {topic} and what {first} would do differently. Next: {next}.
== coaching
Talked about how mentoring {mentees} is going; the check-in cadence is {cadence}.
Practised a difficult feedback conversation for {mentees}, and role-played it twice.
Discussed setting goals with {mentees} that are specific and measurable.
Reflected on when to teach and when to let a mentee struggle a little.
== one_on_one_items
Draft the RFC for {topic}
Ask {peer} for feedback on {topic}
Update the goal check-in before the next 1:1
Book a pairing session with {peer}
Write up the retro actions
Prepare the demo of {topic}
Share the incident write-up for {topic}
Block focus time for {topic}
Check the conference budget for {first}
Introduce {first} to the other team's tech lead
== mentoring_items
Read the article on writing good ADRs
Lead the next design review
Ask for one piece of feedback through Cultivate
Timebox the next investigation to two hours
Write a short post about {topic} for the team blog
Shadow {peer} during on-call
Bring one question to the next learning session
""")

LEARNING_DAY_TOPICS = _sections("""
== topics
Rust ownership and borrowing | the Postgres query planner | async Python
property-based testing with Hypothesis | observability with OpenTelemetry
Kubernetes operators | type hints and mypy in practice | vector databases
feature flags and progressive delivery | evaluating LLM outputs | Go generics
CSS container queries | Core Web Vitals | Swift concurrency | dbt testing patterns
testing Terraform | threat modelling basics | writing better design docs
GraphQL federation | using a screen reader | data contracts | event sourcing
chaos engineering experiments | SQL window functions
""")["topics"]

# One-line praise, as people give it between reviews; some go on the Praise wall.
PRAISE_LINES = _sections("""
== technical
Thanks for the careful review of the billing migration: you caught the lock before it shipped.
The new dashboards made last night's incident a ten-minute fix. Great work.
Your test fixtures cut the suite's run time in half; everyone noticed.
The evaluation notebook for the ranking model is the clearest I've read.
Thanks for pairing on the flaky test until it was really fixed.
== interpersonal
Thank you for making the retro a place where the quiet people spoke up.
You turned a tense planning meeting around by summarising both sides fairly.
Thanks for the patient onboarding: the new starters keep mentioning it.
You gave the design review feedback kindly and clearly. It landed.
Thanks for saying "I don't know, let's find out" in front of the whole team.
""")

# The author's answer back, when the engineer replied.
FOLLOW_UPS = _sections("""
== lines
Glad it helped. Let's pick it up at our next 1:1.
Thanks for the reply. Ping me if you want to pair on it.
Sounds like a plan; I'll look out for it in the next review.
""")["lines"]
