from cases.intake.services import ComplaintInput, PerpetratorInput, VictimInput


def complaint_input(**overrides) -> ComplaintInput:
    base = dict(
        channel="walk_in",
        victims=[VictimInput(full_name="Wulan Sekar Arum", category="adult_woman",
                             nik="3174054101900099", phone="0812-3456-7000", region="3174")],
        violence_types=["kdrt"],
        chronology="Korban datang ke kantor dan menceritakan kekerasan oleh suami.",
        perpetrators=[PerpetratorInput(relation="spouse", power_relation=True)],
        consent_to_share=True, consent_by="victim",
    )
    base.update(overrides)
    return ComplaintInput(**base)
